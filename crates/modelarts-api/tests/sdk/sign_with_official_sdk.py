"""Signs fixed requests with Huawei Cloud's official Python SDK signers
(SDK-HMAC-SHA256, and SDK-HMAC-SM3 for `signing_algorithm = "HmacSM3"`) and prints
them as JSON, for crates/modelarts-api/tests/sdk/official_sdk_vectors.json.

    pip install --target /tmp/hwsdk huaweicloudsdkcore
    PYTHONPATH=/tmp/hwsdk python3 crates/modelarts-api/tests/sdk/sign_with_official_sdk.py > crates/modelarts-api/tests/sdk/official_sdk_vectors.json

The signer takes X-Sdk-Date from the request when present, so the vectors are fixed.
"""
import json
import types

from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import SM3Signer, Signer

AK = "SIMAK0000000000000000"
SK = "sim-secret-key-for-official-sdk-vectors"
HOST = "127.0.0.1:8443"
PROJECT = "0123456789abcdef0123456789abcdef"


def sign(method, path, query, body, extra_headers, signer=Signer):
    headers = {"X-Sdk-Date": "20261121T235218Z", "X-Project-Id": PROJECT}
    if body is not None:
        headers["Content-Type"] = "application/json"
    headers.update(extra_headers)
    req = SdkRequest(method=method, schema="http", host=HOST, resource_path=path,
                     query_params=list(query), header_params=headers,
                     body=body.encode() if body is not None else None)
    signer(types.SimpleNamespace(ak=AK, sk=SK)).sign(req)
    return {
        "method": method,
        "path": path,
        "query": [[k, str(v)] for k, v in query],
        "headers": {k: v for k, v in req.header_params.items()},
        "body": body,
    }


vectors = {
    "access_key": AK,
    "secret_key": SK,
    "project_id": PROJECT,
    "host": HOST,
    "requests": [
        sign("GET", "/v1/%s/notebooks" % PROJECT, [("limit", 10), ("offset", 0), ("name", "my notebook")], None, {}),
        sign("POST", "/v1/%s/notebooks" % PROJECT, [],
             json.dumps({"name": "sdk-made", "flavor": "modelarts.vm.cpu.2u",
                         "image_id": "e1a07296-22a8-4f05-8bc8-e936c8e54090",
                         "volume": {"category": "EVS", "ownership": "MANAGED", "capacity": 5}}), {}),
        sign("GET", "/v1/%s/notebooks/flavors" % PROJECT, [("category", "GPU")], None,
             {"X-Security-Token": "temporary-token"}),
    ],
    "sm3_requests": [
        sign("GET", "/v1/%s/notebooks" % PROJECT, [("limit", 10), ("offset", 0), ("name", "my notebook")], None, {},
             SM3Signer),
        sign("POST", "/v1/%s/notebooks" % PROJECT, [],
             json.dumps({"name": "sdk-made", "flavor": "modelarts.vm.cpu.2u",
                         "image_id": "e1a07296-22a8-4f05-8bc8-e936c8e54090",
                         "volume": {"category": "EVS", "ownership": "MANAGED", "capacity": 5}}), {}, SM3Signer),
    ],
}
print(json.dumps(vectors, indent=2))
