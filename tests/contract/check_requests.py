"""Checks every request the provider sent to modelarts-sim during the end-to-end
tests (the simulator's JSON-lines call logs) against the official SDK's request
models: body keys and types, query parameter names, types and enum values.

Usage: check_requests.py DIR-OF-CALL-LOGS
"""

import glob
import json
import os
import sys
from collections import Counter
from urllib.parse import parse_qsl

from sdk_contract import check, check_query

# The simulator's operation name -> (SDK request class, its path parameters, body model).
OPS = {
    "create": ("CreateNotebookRequest", set(), "NotebookCreateRequest"),
    "update": ("UpdateNotebookRequest", {"id"}, "NotebookUpdateRequest"),
    "start": ("StartNotebookRequest", {"id"}, None),
    "stop": ("StopNotebookRequest", {"id"}, None),
    "delete": ("DeleteNotebookRequest", {"id"}, None),
    "show": ("ShowNotebookRequest", {"id"}, None),
    "list": ("ListNotebooksRequest", set(), None),
    "flavors": ("ListFlavorsRequest", set(), None),
    "switchable_flavors": ("ShowSwitchableFlavorsRequest", {"id"}, None),
    "lease_show": ("ShowLeaseRequest", {"id"}, None),
    "lease_renew": ("RenewLeaseRequest", {"id"}, "LeaseReq"),
    "images": ("ListImageRequest", set(), None),
    "image_show": ("ShowImageRequest", {"id"}, None),
    "storage_mount": ("AttachDynamicStorageRequest", {"instance_id"}, "DataVolumesReq"),
    "storage_list": ("ListDynamicStoragesRequest", {"instance_id"}, None),
    "storage_show": ("ShowDynamicStorageRequest", {"instance_id", "storage_id"}, None),
    "storage_unmount": ("DetachDynamicStorageRequest", {"instance_id", "storage_id"}, None),
    "save_image": ("CreateImageRequest", {"id"}, "ImageCreateReq"),
    "tags_create": ("CreateNotebookTagsRequest", {"resource_id"}, "CreateTmsTagsRequest"),
    "tags_delete": ("DeleteNotebookTagsRequest", {"resource_id"}, "DeleteTmsTagsRequest"),
}


# Calls of other services the provider makes, with the query parameters each takes.
OTHER_SERVICES = {
    # IAM's KeystoneListProjects (huaweicloudsdkiam): the project of another region.
    "iam_projects": {"name"},
    # The instance metadata service (Go SDK metadata_accessor.go): no query parameters.
    "metadata_token": set(),
    "metadata_securitykey": set(),
    # assume_role: IAM v3 securitytokens and STS v5 agencies/assume (the official
    # provider's config.go): no query parameters.
    "iam_assume_role": set(),
    "sts_assume_agency": set(),
    # assume_role_with_oidc: the ID-token exchange (the official provider's auth.go).
    "iam_id_token": set(),
    # Password sign-in: IAM's KeystoneCreateUserTokenByPassword (POST /v3/auth/tokens;
    # its nocatalog query is not sent). The call log keeps no body of it.
    "iam_password_token": set(),
}


def main():
    directory = sys.argv[1]
    files = sorted(glob.glob(os.path.join(directory, "*.jsonl")))
    errors = []
    seen = Counter()
    for path in files:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                call = json.loads(line)
                where = f"{os.path.basename(path)}:{n} {call['method']} {call['path']}"
                op = call.get("op", "")
                if op in OTHER_SERVICES:
                    seen[op] += 1
                    for name, _ in parse_qsl(call.get("query", ""), keep_blank_values=True):
                        if name not in OTHER_SERVICES[op]:
                            errors.append(f"{where}?{name}: not a query parameter of {op}")
                    continue
                if op not in OPS:
                    errors.append(f"{where}: not a call of the notebook API")
                    continue
                seen[op] += 1
                request, path_params, body_model = OPS[op]
                check_query(parse_qsl(call.get("query", ""), keep_blank_values=True), request, path_params, where, errors)
                body = call.get("body")
                if body_model is None:
                    if body not in (None, {}):
                        errors.append(f"{where}: a body where the SDK's {request} has none")
                else:
                    check(body, body_model, f"{where} $", errors)
    if not seen:
        sys.exit(f"no calls found in {directory}: the end-to-end tests left no call logs")
    for op, count in sorted(seen.items()):
        against = OPS[op][0] if op in OPS else "its query parameters"
        print(f"{count:6} {op} requests checked against {against}")
    for e in errors:
        print(f"UNKNOWN OR MISTYPED: {e}")
    if errors:
        sys.exit(1)
    print(f"{sum(seen.values())} requests from {len(files)} call logs match the official SDK's models")


if __name__ == "__main__":
    main()
