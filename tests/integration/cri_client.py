#!/usr/bin/python3
"""cri_client.py SOCKET METHOD [REQUEST-JSON]: one call of the Kubernetes CRI (v1) over gRPC.

What the kubelet does to a container runtime, one call at a time, for tests that have no
kubelet (Debian 12 ships none, nor crictl).  METHOD is a method of runtime.v1.RuntimeService or
runtime.v1.ImageService (RunPodSandbox, CreateContainer, ExecSync, ...); the request is the
protobuf JSON form of its request message (field names as in api.proto, or in lowerCamelCase);
the response is printed as JSON with the api.proto field names, every field present (a zero
exit_code included), bytes in base64 and 64-bit integers as strings (the protobuf JSON rules).

A failed call prints `rpc error: code = CODE desc = DETAILS` on stderr (as the kubelet logs it)
and exits 1; bad usage or a request that does not fit the message exits 2.

The messages are declared below with their field numbers from the CRI's api.proto
(k8s.io/cri-api, pkg/apis/runtime/v1), only the fields the tests use: protobuf skips the fields
of a response it does not know, and a request simply leaves the rest unset.  No code is
generated: the declarations become a FileDescriptorProto, and python3-protobuf makes the classes.
"""

import json
import sys

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory

PACKAGE = "runtime.v1"

ENUMS = {
    "NamespaceMode": ["POD", "CONTAINER", "NODE", "TARGET"],
    "PodSandboxState": ["SANDBOX_READY", "SANDBOX_NOTREADY"],
    "ContainerState": ["CONTAINER_CREATED", "CONTAINER_RUNNING", "CONTAINER_EXITED",
                       "CONTAINER_UNKNOWN"],
}

# message: [(field, number, type)], type one of the scalars below, an enum or message name,
# "repeated T", or "map" (map<string, string>, all the CRI's maps).
MESSAGES = {
    "VersionRequest": [("version", 1, "string")],
    "VersionResponse": [("version", 1, "string"), ("runtime_name", 2, "string"),
                        ("runtime_version", 3, "string"), ("runtime_api_version", 4, "string")],
    "StatusRequest": [("verbose", 1, "bool")],
    "RuntimeCondition": [("type", 1, "string"), ("status", 2, "bool"), ("reason", 3, "string"),
                         ("message", 4, "string")],
    "RuntimeStatus": [("conditions", 1, "repeated RuntimeCondition")],
    "StatusResponse": [("status", 1, "RuntimeStatus"), ("info", 2, "map")],

    "NamespaceOption": [("network", 1, "NamespaceMode"), ("pid", 2, "NamespaceMode"),
                        ("ipc", 3, "NamespaceMode"), ("target_id", 4, "string")],
    "LinuxSandboxSecurityContext": [("namespace_options", 1, "NamespaceOption"),
                                    ("readonly_rootfs", 4, "bool"), ("privileged", 6, "bool")],
    "LinuxPodSandboxConfig": [("cgroup_parent", 1, "string"),
                              ("security_context", 2, "LinuxSandboxSecurityContext"),
                              ("sysctls", 3, "map")],
    "PodSandboxMetadata": [("name", 1, "string"), ("uid", 2, "string"),
                           ("namespace", 3, "string"), ("attempt", 4, "uint32")],
    "DNSConfig": [("servers", 1, "repeated string"), ("searches", 2, "repeated string"),
                  ("options", 3, "repeated string")],
    "PodSandboxConfig": [("metadata", 1, "PodSandboxMetadata"), ("hostname", 2, "string"),
                         ("log_directory", 3, "string"), ("dns_config", 4, "DNSConfig"),
                         ("labels", 6, "map"), ("annotations", 7, "map"),
                         ("linux", 8, "LinuxPodSandboxConfig")],
    "RunPodSandboxRequest": [("config", 1, "PodSandboxConfig"), ("runtime_handler", 2, "string")],
    "RunPodSandboxResponse": [("pod_sandbox_id", 1, "string")],
    "StopPodSandboxRequest": [("pod_sandbox_id", 1, "string")],
    "StopPodSandboxResponse": [],
    "RemovePodSandboxRequest": [("pod_sandbox_id", 1, "string")],
    "RemovePodSandboxResponse": [],
    "PodSandboxStatusRequest": [("pod_sandbox_id", 1, "string"), ("verbose", 2, "bool")],
    "PodIP": [("ip", 1, "string")],
    "PodSandboxNetworkStatus": [("ip", 1, "string"), ("additional_ips", 2, "repeated PodIP")],
    "PodSandboxStatus": [("id", 1, "string"), ("metadata", 2, "PodSandboxMetadata"),
                         ("state", 3, "PodSandboxState"), ("created_at", 4, "int64"),
                         ("network", 5, "PodSandboxNetworkStatus"), ("labels", 7, "map"),
                         ("annotations", 8, "map"), ("runtime_handler", 9, "string")],
    "PodSandboxStatusResponse": [("status", 1, "PodSandboxStatus"), ("info", 2, "map")],
    "PodSandboxStateValue": [("state", 1, "PodSandboxState")],
    "PodSandboxFilter": [("id", 1, "string"), ("state", 2, "PodSandboxStateValue"),
                         ("label_selector", 3, "map")],
    "ListPodSandboxRequest": [("filter", 1, "PodSandboxFilter")],
    "PodSandbox": [("id", 1, "string"), ("metadata", 2, "PodSandboxMetadata"),
                   ("state", 3, "PodSandboxState"), ("created_at", 4, "int64"),
                   ("labels", 5, "map"), ("annotations", 6, "map"),
                   ("runtime_handler", 7, "string")],
    "ListPodSandboxResponse": [("items", 1, "repeated PodSandbox")],

    "ImageSpec": [("image", 1, "string"), ("annotations", 2, "map")],
    "KeyValue": [("key", 1, "string"), ("value", 2, "string")],
    "LinuxContainerResources": [("cpu_period", 1, "int64"), ("cpu_quota", 2, "int64"),
                                ("cpu_shares", 3, "int64"), ("memory_limit_in_bytes", 4, "int64"),
                                ("oom_score_adj", 5, "int64")],
    "Capability": [("add_capabilities", 1, "repeated string"),
                   ("drop_capabilities", 2, "repeated string")],
    "Int64Value": [("value", 1, "int64")],
    "LinuxContainerSecurityContext": [("capabilities", 1, "Capability"),
                                      ("privileged", 2, "bool"),
                                      ("namespace_options", 3, "NamespaceOption"),
                                      ("run_as_user", 5, "Int64Value"),
                                      ("readonly_rootfs", 7, "bool"),
                                      ("no_new_privs", 11, "bool")],
    "LinuxContainerConfig": [("resources", 1, "LinuxContainerResources"),
                             ("security_context", 2, "LinuxContainerSecurityContext")],
    "ContainerMetadata": [("name", 1, "string"), ("attempt", 2, "uint32")],
    "ContainerConfig": [("metadata", 1, "ContainerMetadata"), ("image", 2, "ImageSpec"),
                        ("command", 3, "repeated string"), ("args", 4, "repeated string"),
                        ("working_dir", 5, "string"), ("envs", 6, "repeated KeyValue"),
                        ("labels", 9, "map"), ("annotations", 10, "map"),
                        ("log_path", 11, "string"), ("stdin", 12, "bool"),
                        ("stdin_once", 13, "bool"), ("tty", 14, "bool"),
                        ("linux", 15, "LinuxContainerConfig")],
    "CreateContainerRequest": [("pod_sandbox_id", 1, "string"), ("config", 2, "ContainerConfig"),
                               ("sandbox_config", 3, "PodSandboxConfig")],
    "CreateContainerResponse": [("container_id", 1, "string")],
    "StartContainerRequest": [("container_id", 1, "string")],
    "StartContainerResponse": [],
    "StopContainerRequest": [("container_id", 1, "string"), ("timeout", 2, "int64")],
    "StopContainerResponse": [],
    "RemoveContainerRequest": [("container_id", 1, "string")],
    "RemoveContainerResponse": [],
    "ContainerStateValue": [("state", 1, "ContainerState")],
    "ContainerFilter": [("id", 1, "string"), ("state", 2, "ContainerStateValue"),
                        ("pod_sandbox_id", 3, "string"), ("label_selector", 4, "map")],
    "ListContainersRequest": [("filter", 1, "ContainerFilter")],
    "Container": [("id", 1, "string"), ("pod_sandbox_id", 2, "string"),
                  ("metadata", 3, "ContainerMetadata"), ("image", 4, "ImageSpec"),
                  ("image_ref", 5, "string"), ("state", 6, "ContainerState"),
                  ("created_at", 7, "int64"), ("labels", 8, "map"), ("annotations", 9, "map")],
    "ListContainersResponse": [("containers", 1, "repeated Container")],
    "ContainerStatusRequest": [("container_id", 1, "string"), ("verbose", 2, "bool")],
    "ContainerStatus": [("id", 1, "string"), ("metadata", 2, "ContainerMetadata"),
                        ("state", 3, "ContainerState"), ("created_at", 4, "int64"),
                        ("started_at", 5, "int64"), ("finished_at", 6, "int64"),
                        ("exit_code", 7, "int32"), ("image", 8, "ImageSpec"),
                        ("image_ref", 9, "string"), ("reason", 10, "string"),
                        ("message", 11, "string"), ("labels", 12, "map"),
                        ("annotations", 13, "map"), ("log_path", 15, "string")],
    "ContainerStatusResponse": [("status", 1, "ContainerStatus"), ("info", 2, "map")],
    "ExecSyncRequest": [("container_id", 1, "string"), ("cmd", 2, "repeated string"),
                        ("timeout", 3, "int64")],
    "ExecSyncResponse": [("stdout", 1, "bytes"), ("stderr", 2, "bytes"),
                         ("exit_code", 3, "int32")],

    "ImageFilter": [("image", 1, "ImageSpec")],
    "ListImagesRequest": [("filter", 1, "ImageFilter")],
    "Image": [("id", 1, "string"), ("repo_tags", 2, "repeated string"),
              ("repo_digests", 3, "repeated string"), ("size", 4, "uint64"),
              ("username", 6, "string")],
    "ListImagesResponse": [("images", 1, "repeated Image")],
    "ImageStatusRequest": [("image", 1, "ImageSpec"), ("verbose", 2, "bool")],
    "ImageStatusResponse": [("image", 1, "Image"), ("info", 2, "map")],
}

IMAGE_METHODS = {"ListImages", "ImageStatus"}
RUNTIME_METHODS = {
    "Version", "Status", "RunPodSandbox", "StopPodSandbox", "RemovePodSandbox",
    "PodSandboxStatus", "ListPodSandbox", "CreateContainer", "StartContainer", "StopContainer",
    "RemoveContainer", "ListContainers", "ContainerStatus", "ExecSync",
}

FDP = descriptor_pb2.FieldDescriptorProto
SCALARS = {
    "string": FDP.TYPE_STRING, "bytes": FDP.TYPE_BYTES, "bool": FDP.TYPE_BOOL,
    "int32": FDP.TYPE_INT32, "int64": FDP.TYPE_INT64, "uint32": FDP.TYPE_UINT32,
    "uint64": FDP.TYPE_UINT64,
}


def _set_type(field, type_name):
    if type_name in SCALARS:
        field.type = SCALARS[type_name]
    elif type_name in ENUMS:
        field.type = FDP.TYPE_ENUM
        field.type_name = f".{PACKAGE}.{type_name}"
    elif type_name in MESSAGES:
        field.type = FDP.TYPE_MESSAGE
        field.type_name = f".{PACKAGE}.{type_name}"
    else:
        raise ValueError(f"unknown type {type_name}")


def _add_field(msg, name, number, type_name):
    field = msg.field.add(name=name, number=number, label=FDP.LABEL_OPTIONAL)
    if type_name == "map":
        # a map<string, string> is a repeated nested XxxEntry {key = 1; value = 2}
        entry_name = "".join(p.capitalize() for p in name.split("_")) + "Entry"
        entry = msg.nested_type.add(name=entry_name)
        entry.options.map_entry = True
        entry.field.add(name="key", number=1, label=FDP.LABEL_OPTIONAL, type=FDP.TYPE_STRING)
        entry.field.add(name="value", number=2, label=FDP.LABEL_OPTIONAL, type=FDP.TYPE_STRING)
        field.label = FDP.LABEL_REPEATED
        field.type = FDP.TYPE_MESSAGE
        field.type_name = f".{PACKAGE}.{msg.name}.{entry_name}"
        return
    if type_name.startswith("repeated "):
        field.label = FDP.LABEL_REPEATED
        type_name = type_name[len("repeated "):]
    _set_type(field, type_name)


def message_classes():
    """The classes of MESSAGES, by name."""
    fdp = descriptor_pb2.FileDescriptorProto(name="isorun_cri_api.proto", package=PACKAGE,
                                             syntax="proto3")
    for name, values in ENUMS.items():
        enum = fdp.enum_type.add(name=name)
        for number, value in enumerate(values):
            enum.value.add(name=value, number=number)
    for name, fields in MESSAGES.items():
        msg = fdp.message_type.add(name=name)
        for field in fields:
            _add_field(msg, *field)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fdp)
    # GetMessageClass from protobuf 4.22 on; Debian 12 has 4.21 (python3-protobuf 3.21)
    get_class = getattr(message_factory, "GetMessageClass", None) or \
        message_factory.MessageFactory(pool).GetPrototype
    return {name: get_class(pool.FindMessageTypeByName(f"{PACKAGE}.{name}"))
            for name in MESSAGES}


def call(socket_path, method, request_json, timeout):
    classes = message_classes()
    service = "ImageService" if method in IMAGE_METHODS else "RuntimeService"
    req_cls, resp_cls = classes[method + "Request"], classes[method + "Response"]
    request = json_format.ParseDict(json.loads(request_json), req_cls())
    with grpc.insecure_channel("unix:" + socket_path) as channel:
        stub = channel.unary_unary(f"/{PACKAGE}.{service}/{method}",
                                   request_serializer=req_cls.SerializeToString,
                                   response_deserializer=resp_cls.FromString)
        response = stub(request, timeout=timeout)
    return json_format.MessageToDict(response, preserving_proto_field_name=True,
                                     including_default_value_fields=True)


def main(argv):
    if len(argv) not in (3, 4) or argv[2] not in RUNTIME_METHODS | IMAGE_METHODS:
        print(__doc__.split("\n\n")[0], file=sys.stderr)
        print("methods: " + " ".join(sorted(RUNTIME_METHODS | IMAGE_METHODS)), file=sys.stderr)
        return 2
    try:
        response = call(argv[1], argv[2], argv[3] if len(argv) == 4 else "{}", timeout=120)
    except (json.JSONDecodeError, json_format.ParseError) as e:
        print(f"cri_client.py: {argv[2]}Request: {e}", file=sys.stderr)
        return 2
    except grpc.RpcError as e:
        print(f"rpc error: code = {e.code().name} desc = {e.details()}", file=sys.stderr)
        return 1
    json.dump(response, sys.stdout, sort_keys=True)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
