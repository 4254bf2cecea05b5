"""Drives modelarts-sim with the official SDK client through every call the
provider makes, and checks every answer against the SDK's response model (every
key known, recursively, with the model's type and enum values).

Usage: check_answers.py PATH-TO-modelarts-sim
"""

import json
import subprocess
import sys
import time

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkmodelarts.v1 import (
    AttachDynamicStorageRequest,
    CreateImageRequest,
    CreateNotebookRequest,
    CreateNotebookTagsRequest,
    CreateTmsTagsRequest,
    DataVolumesReq,
    DetachDynamicStorageRequest,
    CustomHooks,
    ContainerHooks,
    Config,
    DeleteNotebookRequest,
    DeleteNotebookTagsRequest,
    DeleteTmsTagsRequest,
    EndpointsReq,
    ImageCreateReq,
    LeaseReq,
    ListFlavorsRequest,
    ListDynamicStoragesRequest,
    ListImageRequest,
    ListNotebooksRequest,
    ModelArtsClient,
    NotebookCreateRequest,
    NotebookUpdateRequest,
    RenewLeaseRequest,
    ShowDynamicStorageRequest,
    ShowImageRequest,
    ShowLeaseRequest,
    ShowNotebookRequest,
    ShowSwitchableFlavorsRequest,
    StartNotebookRequest,
    StopNotebookRequest,
    TmsTag,
    UpdateNotebookRequest,
    VolumeMountRequest,
)

from sdk_contract import check

AK, SK, PROJECT = "SIMACCESSKEY", "sim-secret-key", "sim-project"
CPU_IMAGE = "e1a07296-22a8-4f05-8bc8-e936c8e54090"


def start_sim(binary):
    proc = subprocess.Popen(
        [binary, "--listen", "127.0.0.1:0", "--create-seconds", "0.2", "--start-seconds", "0.2",
         "--stop-seconds", "0.2", "--delete-seconds", "0.2", "--resize-seconds", "0.2", "--mount-seconds", "0.2", "--image-seconds", "0.2"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    url = proc.stdout.readline().strip()
    if not url.startswith("http"):
        proc.kill()
        sys.exit(f"modelarts-sim printed {url!r}")
    return proc, url


def main():
    proc, url = start_sim(sys.argv[1])
    errors = []
    checked = []
    try:
        client = (ModelArtsClient.new_builder()
                  .with_credentials(BasicCredentials(AK, SK, PROJECT))
                  .with_endpoints([url])
                  .build())

        def call(name, request, response_model):
            response = getattr(client, name)(request)
            body = json.loads(response.raw_content.decode("utf-8"))
            before = len(errors)
            check(body, response_model, f"{name}:$", errors)
            checked.append((name, response_model, len(errors) == before))
            return body

        def call_without_answer(name, request):
            """A call the SDK answers with no content (the tag calls: HTTP 204)."""
            response = getattr(client, name)(request)
            status = getattr(response, "status_code", None)
            if response.raw_content or status not in (None, 204):
                errors.append(f"{name}: expected 204 without a body, got {status} {response.raw_content!r}")
            checked.append((name, "no content", True))

        def wait_for(nid, status):
            for _ in range(100):
                n = call("show_notebook", ShowNotebookRequest(id=nid), "ShowNotebookResponse")
                if n["status"] == status:
                    return n
                time.sleep(0.1)
            sys.exit(f"notebook {nid} never became {status}")

        hooks = CustomHooks(container_hooks=ContainerHooks(
            pre_start=Config(script="ZWNobyBoaQ==", type="COMMAND", mode="BLOCK"),
            post_start=Config(script="/home/ma-user/work/post.sh", type="SCRIPT", mode="ASYNC")))
        created = call("create_notebook", CreateNotebookRequest(body=NotebookCreateRequest(
            name="contract", description="the SDK's own client", flavor="modelarts.vm.cpu.2u", image_id=CPU_IMAGE,
            volume=VolumeMountRequest(category="EVS", ownership="MANAGED", capacity=10),
            endpoints=[EndpointsReq(service="SSH", key_pair_names=["kp-1"])],
            hooks=hooks, feature="NOTEBOOK", lease=LeaseReq(duration=7200000, type="TIMING"))), "CreateNotebookResponse")
        nid = created["id"]
        wait_for(nid, "RUNNING")
        call("list_notebooks", ListNotebooksRequest(limit=10, offset=0, name="contract"), "ListNotebooksResponse")
        call("update_notebook", UpdateNotebookRequest(id=nid, body=NotebookUpdateRequest(name="contract-2", description="renamed")), "UpdateNotebookResponse")
        call("update_notebook", UpdateNotebookRequest(id=nid, body=NotebookUpdateRequest(storage_new_size=20)), "UpdateNotebookResponse")
        call("renew_lease", RenewLeaseRequest(id=nid, body=LeaseReq(duration=3600000, type="IDLE")), "RenewLeaseResponse")
        call("show_lease", ShowLeaseRequest(id=nid), "ShowLeaseResponse")
        call("show_switchable_flavors", ShowSwitchableFlavorsRequest(id=nid), "ShowSwitchableFlavorsResponse")
        mount = call("attach_dynamic_storage", AttachDynamicStorageRequest(instance_id=nid, body=DataVolumesReq(
            category="OBS", mount_path="/data/contract/", uri="obs://contract-bucket/data/")), "AttachDynamicStorageResponse")
        call("show_dynamic_storage", ShowDynamicStorageRequest(instance_id=nid, storage_id=mount["id"]), "ShowDynamicStorageResponse")
        tags = [TmsTag(key="team", value="ml"), TmsTag(key="cost center", value="ai/platform")]
        call_without_answer("create_notebook_tags", CreateNotebookTagsRequest(
            resource_id=nid, workspace_id="0", body=CreateTmsTagsRequest(tags=tags)))
        # The instance answer with tags and a dynamic mount (data_volumes) in it.
        shown = call("show_notebook", ShowNotebookRequest(id=nid), "ShowNotebookResponse")
        if {t["key"] for t in shown.get("tags", [])} != {"team", "cost center"} or not shown.get("data_volumes"):
            errors.append(f"show_notebook: tags or data_volumes missing: {shown.get('tags')} {shown.get('data_volumes')}")
        call_without_answer("delete_notebook_tags", DeleteNotebookTagsRequest(
            resource_id=nid, body=DeleteTmsTagsRequest(tags=[TmsTag(key="team", value="ml")])))
        call("list_dynamic_storages", ListDynamicStoragesRequest(instance_id=nid), "ListDynamicStoragesResponse")
        time.sleep(0.3)
        call("detach_dynamic_storage", DetachDynamicStorageRequest(instance_id=nid, storage_id=mount["id"]), "DetachDynamicStorageResponse")
        time.sleep(0.3)
        call("stop_notebook", StopNotebookRequest(id=nid), "StopNotebookResponse")
        wait_for(nid, "STOPPED")
        call("update_notebook", UpdateNotebookRequest(id=nid, body=NotebookUpdateRequest(flavor="modelarts.vm.cpu.8u", hooks=hooks)), "UpdateNotebookResponse")
        call("start_notebook", StartNotebookRequest(id=nid, duration=-1), "StartNotebookResponse")
        wait_for(nid, "RUNNING")
        call("list_flavors", ListFlavorsRequest(category="GPU"), "ListFlavorsResponse")
        call("list_image", ListImageRequest(name="mindspore", namespace="atelier", limit=200, offset=0), "ListImageResponse")
        call("show_image", ShowImageRequest(id=CPU_IMAGE), "ShowImageResponse")
        saved = call("create_image", CreateImageRequest(id=nid, body=ImageCreateReq(
            name="contract-env", namespace="contract", tag="v1", description="saved")), "CreateImageResponse")
        time.sleep(0.3)
        call("show_image", ShowImageRequest(id=saved["id"]), "ShowImageResponse")
        call("list_image", ListImageRequest(type="DEDICATED", limit=200, offset=0), "ListImageResponse")
        # After the save the notebook runs the saved image (origin IMAGE_SAVE).
        after = wait_for(nid, "RUNNING")
        if after["image"].get("origin") != "IMAGE_SAVE" or after["image"]["id"] != saved["id"]:
            errors.append(f"show_notebook after a save: image {after['image']}")
        call("delete_notebook", DeleteNotebookRequest(id=nid), "DeleteNotebookResponse")
        # An error answer is the SDK's error shape too.
        try:
            client.show_notebook(ShowNotebookRequest(id="no-such-notebook"))
            errors.append("show_notebook of a missing notebook succeeded")
        except exceptions.ClientRequestException as e:
            if not (e.error_code or "").startswith("ModelArts."):
                errors.append(f"show_notebook error code {e.error_code!r} is not a ModelArts code")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    for name, model, ok in checked:
        print(f"{'ok  ' if ok else 'FAIL'} {name} answer against {model}")
    for e in errors:
        print(f"UNKNOWN OR MISTYPED: {e}")
    if errors:
        sys.exit(1)
    print(f"{len(checked)} answers match the official SDK's models")


if __name__ == "__main__":
    main()
