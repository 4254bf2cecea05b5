"""The official SDK's models as a contract: a JSON value is checked against a model
class of `huaweicloudsdkmodelarts.v1` recursively, every key known to the model (by
its `attribute_map`) with the model's type (`openapi_types`) and, where the model's
own description lists them ("枚举类型，取值如下"), one of its enum values. Anything
else is an error naming its JSON path.

A few fields the SDK's current models lack are documented elsewhere; they are listed
in EXTENSIONS, each with its source, and nothing else is let through.
"""

import importlib
import re

MODELS = importlib.import_module("huaweicloudsdkmodelarts.v1")

# Fields documented outside the SDK's models: {model: {json name: (type, source)}}.
_INSTANCE_TIMES = {
    "create_at": ("int", "golangsdk Notebook.CreateAt, read by the official provider for created_at"),
    "update_at": ("int", "golangsdk Notebook.UpdateAt, read by the official provider for updated_at"),
}
EXTENSIONS = {
    "EndpointsReq": {
        "allowed_access_ips": ("list[str]", "API page Updating a Notebook Instance, table EndpointsReq; golangsdk EndpointsReq"),
    },
    "EndpointsRes": {
        "allowed_access_ips": ("list[str]", "API page Starting a Notebook Instance, table EndpointsRes; golangsdk Endpoints"),
    },
    "ShowNotebookResponse": dict(_INSTANCE_TIMES),
    "CreateNotebookResponse": dict(_INSTANCE_TIMES),
    "UpdateNotebookResponse": dict(_INSTANCE_TIMES),
    "StartNotebookResponse": dict(_INSTANCE_TIMES),
    "StopNotebookResponse": dict(_INSTANCE_TIMES),
    "DeleteNotebookResponse": dict(_INSTANCE_TIMES),
    # A listed instance is the same object ShowNotebookResponse describes.
    "NotebookResp": dict(
        _INSTANCE_TIMES,
        flavor=("str", "ShowNotebookResponse.flavor: the list shows the same instance; the official notebooks data source reads it"),
        feature=("str", "ShowNotebookResponse.feature: the list shows the same instance"),
    ),
}

_PRIMITIVES = {"str": str, "bool": bool, "object": object}


def model(name):
    return getattr(MODELS, name)


def fields(name):
    """{json name: (attribute, type)} of model `name`, extensions included."""
    cls = model(name)
    amap = getattr(cls, "attribute_map", {})
    out = {amap.get(attr, attr): (attr, t) for attr, t in getattr(cls, "openapi_types", {}).items()}
    for json_name, (t, _source) in EXTENSIONS.get(name, {}).items():
        out.setdefault(json_name, (None, t))
    return out


def enum_values(name, attr):
    """The enum values the model's description of `attr` lists, or None."""
    if attr is None:
        return None
    prop = getattr(model(name), attr, None)
    doc = getattr(getattr(prop, "fget", None), "__doc__", None) or ""
    if "枚举" not in doc:
        return None
    tail = doc.split("枚举", 1)[1]
    tail = tail.split(":return", 1)[0]
    tail = re.split(r"\*\*默认取值\*\*|\*\*约束限制\*\*", tail)[0]
    values = re.findall(r"-\s*\[?([A-Za-z][A-Za-z0-9_]*)\]?(?:\(tag:[^)]*\))?\s*(?:[：:]|$|\s)", tail)
    return set(values) or None


def check(value, type_str, path, errors, owner=None, attr=None):
    """Checks `value` against the SDK type `type_str`; appends errors."""
    if value is None:
        return
    m = re.fullmatch(r"list\[(.+)\]", type_str)
    if m:
        if not isinstance(value, list):
            errors.append(f"{path}: expected a list ({type_str}), found {type(value).__name__}")
            return
        for i, item in enumerate(value):
            check(item, m.group(1), f"{path}[{i}]", errors, owner, attr)
        return
    m = re.fullmatch(r"dict\(str, (.+)\)", type_str)
    if m:
        if not isinstance(value, dict):
            errors.append(f"{path}: expected an object ({type_str}), found {type(value).__name__}")
            return
        for k, v in value.items():
            check(v, m.group(1), f"{path}.{k}", errors)
        return
    if type_str == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            errors.append(f"{path}: expected an integer, found {value!r}")
        return
    if type_str == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            errors.append(f"{path}: expected a number, found {value!r}")
        return
    if type_str in _PRIMITIVES:
        if not isinstance(value, _PRIMITIVES[type_str]):
            errors.append(f"{path}: expected {type_str}, found {value!r}")
            return
        if type_str == "str" and owner is not None:
            allowed = enum_values(owner, attr)
            if allowed and value not in allowed:
                errors.append(f"{path}: {value!r} is not one of the SDK's values {sorted(allowed)}")
        return
    if not hasattr(MODELS, type_str):
        errors.append(f"{path}: the SDK has no type {type_str}")
        return
    if not isinstance(value, dict):
        errors.append(f"{path}: expected an object ({type_str}), found {value!r}")
        return
    known = fields(type_str)
    for key, v in value.items():
        if key not in known:
            errors.append(f"{path}.{key}: not a field of the SDK's {type_str}")
            continue
        field_attr, field_type = known[key]
        check(v, field_type, f"{path}.{key}", errors, type_str, field_attr)


def check_query(pairs, request_model, path_params, path, errors):
    """Checks query parameters against the request model's fields (not its path
    parameters or body): known names, values of the right type and enum."""
    known = {k: v for k, v in fields(request_model).items() if k not in path_params and k != "body"}
    for name, value in pairs:
        if name not in known:
            errors.append(f"{path}?{name}: not a query parameter of the SDK's {request_model}")
            continue
        attr, t = known[name]
        if t == "int":
            try:
                int(value)
            except ValueError:
                errors.append(f"{path}?{name}={value}: expected an integer")
        elif t == "bool":
            if value not in ("true", "false"):
                errors.append(f"{path}?{name}={value}: expected true or false")
        elif t == "str":
            allowed = enum_values(request_model, attr)
            if allowed and value not in allowed:
                errors.append(f"{path}?{name}={value}: not one of the SDK's values {sorted(allowed)}")
