"""A seccomp filter for the worker: no memory outside its address space.

RLIMIT_AS counts mapped memory only. A memfd written with write() but never mapped, or a SysV
shared memory segment or message queue, holds memory that no rlimit counts (and SysV objects
outlive their process without an IPC namespace). The worker needs none of them, so these calls
fail with EPERM:

    memfd_create, memfd_secret, shmget, msgget

Calls of another ABI than the native one (i386 through `int 0x80`, x32) fail too: they are how a
filter that lists native numbers is bypassed. A plain BPF program installed with prctl, so no
library (libseccomp) is needed; on an architecture not listed here the layer reports False.
"""

from __future__ import annotations

import ctypes
import errno
import platform

_libc = ctypes.CDLL(None, use_errno=True)
_PR_SET_NO_NEW_PRIVS, _PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 38, 22, 2
_LD_ABS_W, _JEQ_K, _JGE_K, _RET_K = 0x20, 0x15, 0x35, 0x06
_ALLOW, _DENY = 0x7FFF0000, 0x00050000 | errno.EPERM
_X32_BIT = 0x40000000

# machine -> (AUDIT_ARCH_*, {syscall: number})
_ARCHES = {
    "x86_64": (
        0xC000003E,
        {"memfd_create": 319, "memfd_secret": 447, "shmget": 29, "msgget": 68},
    ),
    "aarch64": (
        0xC00000B7,
        {"memfd_create": 279, "memfd_secret": 447, "shmget": 194, "msgget": 186},
    ),
}
DENIED = ["memfd_create", "memfd_secret", "shmget", "msgget"]


class _Insn(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_uint16),
        ("jt", ctypes.c_uint8),
        ("jf", ctypes.c_uint8),
        ("k", ctypes.c_uint32),
    ]


class _Prog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_Insn))]


def program(machine: str) -> list[tuple[int, int, int, int]]:
    """The filter as (code, jt, jf, k) instructions; the last one denies."""
    arch, numbers = _ARCHES[machine]
    checks = [(_JGE_K, _X32_BIT)] if machine == "x86_64" else []
    checks += [(_JEQ_K, numbers[name]) for name in DENIED]
    insns = [
        (_LD_ABS_W, 0, 0, 4),
        (_JEQ_K, 1, 0, arch),
        (_RET_K, 0, 0, _DENY),
        (_LD_ABS_W, 0, 0, 0),
    ]
    for i, (code, k) in enumerate(checks):
        insns.append((code, len(checks) - i, 0, k))  # jump over the rest and the allow: deny
    return insns + [(_RET_K, 0, 0, _ALLOW), (_RET_K, 0, 0, _DENY)]


def install() -> bool:
    """Install the filter on this process (and its future children); False where unsupported."""
    machine = platform.machine()
    if machine not in _ARCHES:
        return False
    insns = program(machine)
    array = (_Insn * len(insns))(*[_Insn(*i) for i in insns])
    prog = _Prog(len(insns), array)
    if _libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    return _libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) == 0
