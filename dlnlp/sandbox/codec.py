"""The wire format between the trusted grader and an untrusted worker.

A message is a tree of dicts (str keys), lists, tuples, None, bool, int, float, str and tensors.
Frame: 8-byte little-endian length, then `len(json) (8 bytes) | json tree | safetensors blob`.
Tensors travel in safetensors, which stores raw buffers plus a JSON header: reading it cannot
execute code (unlike pickle). Tuples and tensors are tagged in the tree as {"$tuple": [...]},
{"$tensor": key}; a `Ref` (a number naming an object the worker keeps, e.g. a student's model)
as {"$ref": id}; a torch.Generator (for code that must draw from a given one) as its state,
{"$generator": key}, rebuilt on the other side in that state.
"""

from __future__ import annotations

import collections
import json
import socket
import struct
import time
from dataclasses import dataclass

import torch
from safetensors import TensorSpec, serialize
from safetensors.torch import load as st_load

# A frame above this is refused before it is read, so a worker cannot exhaust the grader's memory
# (Gradescope's container has 768 MB). Graded values are small: the largest hidden-test input or
# result is under 1 MB.
MAX_FRAME = 64 * 2**20
# Decoding expands: `[],` is 3 bytes of JSON but a 64-byte Python list, so the frame cap alone let a
# small reply of nested empty lists take gigabytes. The tree (everything but tensor data) and the
# tensors' header are capped in bytes, the tree also in values (containers, scalars, strings), so a
# decoded reply costs at most ~50 MB over its frame; tensors are raw buffers, no larger than their
# bytes. The largest legitimate tree (a lab vocabulary) has ~2,000 values.
MAX_TREE = 2 * 2**20
MAX_NODES = 100_000


class CodecError(ValueError):
    """A value that cannot cross the boundary, or a malformed frame."""


@dataclass(frozen=True)
class Ref:
    """Names an object that stays in the worker (a model, an optimiser): only the number crosses."""

    id: int


# The exact types that cross (a subclass of any may run code when touched: a list whose
# __iter__, a tensor whose __torch_function__ runs on detach()). Each value's type is checked
# with `type(v) is T` before anything else is done with it. torch.nn.Parameter is torch's own.
_SCALARS = (type(None), bool, int, float, str)
_TENSORS = (torch.Tensor, torch.nn.Parameter)
# sequences and mappings of the standard library's and torch's own making (x.shape, a
# state_dict(), torch.max's (values, indices)), sent as plain tuples and dicts
_TUPLES = frozenset(
    [tuple, torch.Size, torch.nn.modules.module._IncompatibleKeys]  # load_state_dict's reply
    + [t for t in vars(torch.return_types).values() if isinstance(t, type) and issubclass(t, tuple)]
)
_DICTS = frozenset([dict, collections.OrderedDict])
# numpy's scalar types (np.mean returns np.float64): numpy's own C types, sent as Python numbers
_NUMPY_SCALARS: dict[type, type] = {}
try:
    import numpy as _np

    _NUMPY_SCALARS = {_np.float64: float, _np.float32: float, _np.float16: float}
    _NUMPY_SCALARS |= {_np.int64: int, _np.int32: int, _np.int16: int, _np.int8: int}
    _NUMPY_SCALARS |= {_np.uint8: int, _np.bool_: bool}
except ImportError:  # pragma: no cover - numpy comes with torch's wheel
    pass


def _refused(value) -> CodecError:
    return CodecError(
        f"a value of type {type(value).__name__[:80]} cannot be graded; expected tensors, "
        "numbers, strings, tuples, lists or dicts of them (plain ones, not subclasses)"
    )


def _flatten(value, tensors: dict[str, torch.Tensor]):
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is Flat:
        return _merged(value, tensors)
    if kind in _NUMPY_SCALARS:
        return _NUMPY_SCALARS[kind](value)
    if kind is Ref:
        return {"$ref": int(value.id)}
    if kind in _TENSORS:
        if value.is_sparse or value.is_complex() or value.is_quantized:
            raise CodecError(
                f"a {value.layout}/{value.dtype} tensor cannot be graded; return a dense real tensor"
            )
        key = str(len(tensors))
        # plain, contiguous CPU copy: drops autograd history and shared storage
        tensors[key] = value.detach().as_subclass(torch.Tensor).cpu().contiguous().clone()
        return {"$tensor": key}
    if kind is torch.Generator and value.device.type == "cpu":
        key = str(len(tensors))
        tensors[key] = value.get_state()  # a copy: drawing on one side never moves the other
        return {"$generator": key}
    if kind in _TUPLES:
        return {"$tuple": [_flatten(v, tensors) for v in tuple.__iter__(value)]}
    if kind is list:
        return [_flatten(v, tensors) for v in value]
    if kind in _DICTS and all(type(k) is str and not k.startswith("$") for k in dict.keys(value)):
        return {k: _flatten(v, tensors) for k, v in dict.items(value)}
    raise _refused(value)


@dataclass(frozen=True)
class Flat:
    """A value already checked and flattened (`flatten`): encoding it touches no object of
    the sender's, only this tree of JSON values and private tensor copies."""

    tree: object
    tensors: dict


def flatten(value) -> Flat:
    """`value` checked to be plain data all the way down (the exact types above) and
    flattened; CodecError otherwise. The worker does this with the student call's guards still
    on, before the kit does anything else with what the call returned."""
    tensors: dict[str, torch.Tensor] = {}
    return Flat(_flatten(value, tensors), tensors)


def _merged(flat: Flat, tensors: dict[str, torch.Tensor]):
    """`flat`'s tree with its tensors moved into `tensors` (keys renumbered)."""
    keys = {}
    for k, t in flat.tensors.items():
        keys[k] = str(len(tensors))
        tensors[keys[k]] = t

    def walk(node):
        if isinstance(node, list):  # a tree of our own making: plain JSON values
            return [walk(v) for v in node]
        if isinstance(node, dict):
            if set(node) <= {"$tensor", "$generator"} and len(node) == 1:
                ((tag, k),) = node.items()
                return {tag: keys[k]}
            return {k: walk(v) for k, v in node.items()}
        return node

    return walk(flat.tree)


def _unflatten(node, tensors: dict[str, torch.Tensor]):
    if isinstance(node, list):
        return [_unflatten(v, tensors) for v in node]
    if isinstance(node, dict):
        if set(node) == {"$tensor"}:
            return tensors[node["$tensor"]]
        if set(node) == {"$generator"}:  # set_state refuses a state of the wrong size
            return torch.Generator().set_state(tensors[node["$generator"]])
        if set(node) == {"$tuple"}:
            return tuple(_unflatten(v, tensors) for v in node["$tuple"])
        if set(node) == {"$ref"}:
            return Ref(int(node["$ref"]))
        return {k: _unflatten(v, tensors) for k, v in node.items()}
    return node


def _save(tensors: dict[str, torch.Tensor]) -> bytes:
    """safetensors.torch.save's bytes, without its checks for shared and non-contiguous
    tensors, which `_flatten`'s private contiguous copies cannot fail (they cost ~45 us a
    message, most of its encoding)."""
    return serialize(
        {
            k: TensorSpec(
                dtype=str(t.dtype).split(".")[-1],
                shape=t.shape,
                data_ptr=t.data_ptr(),
                data_len=t.nbytes,
            )
            for k, t in tensors.items()
        },
        metadata=None,
    )


def encode(value) -> bytes:
    """value -> frame payload (without the outer length)."""
    tensors: dict[str, torch.Tensor] = {}
    tree = json.dumps(_flatten(value, tensors)).encode()
    blob = _save(tensors) if tensors else b""
    return struct.pack("<Q", len(tree)) + tree + blob


def _nodes_bound(tree: bytes) -> int:
    """An upper bound on the values in a JSON text, counted before it is parsed: every value
    but the first follows a `[`, `,` or `:` (also counted inside strings, which only errs high)."""
    return tree.count(b"[") + tree.count(b",") + tree.count(b":") + 1


def _check_bounds(tree: bytes, blob: bytes) -> None:
    if len(tree) > MAX_TREE:
        raise CodecError(f"message tree of {len(tree)} bytes exceeds the {MAX_TREE}-byte limit")
    if _nodes_bound(tree) > MAX_NODES:
        raise CodecError(f"message has more than {MAX_NODES} values")
    if blob and struct.unpack_from("<Q", blob)[0] > MAX_TREE:
        raise CodecError(f"tensor header exceeds the {MAX_TREE}-byte limit")


def decode(payload: bytes, bounded: bool = True):
    """frame payload -> value. Safe on untrusted input: json and safetensors only, and bounded
    before parsing (MAX_TREE bytes and MAX_NODES values of tree, MAX_TREE bytes of tensor header).
    `bounded=False` only for what the trusted side sent (a training set is a larger tree)."""
    try:
        (n,) = struct.unpack_from("<Q", payload)
        raw, blob = payload[8 : 8 + n], payload[8 + n :]
        if bounded:
            _check_bounds(raw, blob)
        tree = json.loads(raw)
        tensors = st_load(blob) if blob else {}
        return _unflatten(tree, tensors)
    except CodecError:
        raise
    except (struct.error, ValueError, KeyError, TypeError, RecursionError) as e:
        raise CodecError(f"malformed message: {e}") from None
    except Exception as e:  # safetensors raises its own error type on a corrupt blob
        raise CodecError(f"malformed tensor data: {e}") from None


def send(sock: socket.socket, value) -> None:
    payload = encode(value)
    sock.sendall(struct.pack("<Q", len(payload)) + payload)


def _recv_exact(sock: socket.socket, n: int, deadline: float | None) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        if deadline is not None:  # the whole frame by the deadline, not each chunk on time
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the reply did not arrive in time")
            sock.settimeout(left)
        chunk = sock.recv(min(n - len(buf), 1 << 20))
        if not chunk:
            raise EOFError("the other side closed the connection")
        buf += chunk
    return bytes(buf)


def recv(sock: socket.socket, deadline: float | None = None, bounded: bool = True):
    """Read one frame, all of it before `deadline` (time.monotonic()) when given; raises
    TimeoutError past it, EOFError on close, CodecError on a malformed or oversized frame
    (see `decode` for `bounded`)."""
    (n,) = struct.unpack("<Q", _recv_exact(sock, 8, deadline))
    if n > MAX_FRAME:
        raise CodecError(f"message of {n} bytes exceeds the {MAX_FRAME}-byte limit")
    return decode(_recv_exact(sock, n, deadline), bounded)
