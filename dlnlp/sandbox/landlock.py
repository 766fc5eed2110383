"""Landlock (Linux >= 5.13) through raw syscalls: restrict this process's file access, TCP and
signals, irrevocably, for itself and every child it forks.

Only the rules needed by the worker: read-only (+execute) trees, read-write trees, no TCP at
all, and (ABI >= 6) no signals or abstract unix sockets outside the sandbox.
"""

from __future__ import annotations

import ctypes
import os

_libc = ctypes.CDLL(None, use_errno=True)
_SYS_CREATE_RULESET, _SYS_ADD_RULE, _SYS_RESTRICT_SELF = 444, 445, 446  # same on x86_64/arm64
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1
_PR_SET_NO_NEW_PRIVS = 38

EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
_FILE_ONLY = EXECUTE | WRITE_FILE | READ_FILE | (1 << 14) | (1 << 15)  # + TRUNCATE, IOCTL_DEV
_NET_BIND_TCP, _NET_CONNECT_TCP = 1 << 0, 1 << 1
_SCOPE_ABSTRACT_UNIX, _SCOPE_SIGNAL = 1 << 0, 1 << 1


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("fs", ctypes.c_uint64), ("net", ctypes.c_uint64), ("scoped", ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def abi_version() -> int:
    """The kernel's Landlock ABI, 0 when Landlock is unavailable or disabled."""
    v = _libc.syscall(
        _SYS_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(_CREATE_RULESET_VERSION)
    )
    return max(v, 0)


def _fs_rights(abi: int) -> int:
    rights = (1 << 13) - 1  # ABI 1: execute .. make_sym
    if abi >= 2:
        rights |= 1 << 13  # refer
    if abi >= 3:
        rights |= 1 << 14  # truncate
    if abi >= 5:
        rights |= 1 << 15  # ioctl_dev
    return rights


def _check(ret: int, what: str) -> int:
    if ret < 0:
        err = ctypes.get_errno()
        raise OSError(err, f"landlock {what}: {os.strerror(err)}")
    return ret


def _create_ruleset(abi: int) -> tuple[int, int]:
    """A ruleset handling every file right of `abi`, all TCP (ABI >= 4: handled, so never allowed)
    and signal/abstract-socket scoping (ABI >= 6). -> (its fd, the file rights it handles)."""
    handled = _fs_rights(abi)
    attr = _RulesetAttr(handled, 0, 0)
    size = 8
    if abi >= 4:
        attr.net, size = _NET_BIND_TCP | _NET_CONNECT_TCP, 16
    if abi >= 6:
        attr.scoped, size = _SCOPE_ABSTRACT_UNIX | _SCOPE_SIGNAL, 24
    fd = _libc.syscall(
        _SYS_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0)
    )
    return _check(fd, "create_ruleset"), handled


def _allow(ruleset: int, path: str, rights: int) -> None:
    """Add a rule granting `rights` beneath `path`; a path this machine lacks is simply not allowed."""
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return
    try:
        if not os.path.isdir(path):
            rights &= _FILE_ONLY
        rule = _PathBeneath(rights, fd)
        _check(
            _libc.syscall(
                _SYS_ADD_RULE, ruleset, _RULE_PATH_BENEATH, ctypes.byref(rule), ctypes.c_uint32(0)
            ),
            f"add_rule {path}",
        )
    finally:
        os.close(fd)


def restrict_self(read_only: list[str], read_write: list[str]) -> int:
    """Allow only `read_only` (read + execute) and `read_write` paths; deny all TCP; scope signals.

    Returns the ABI in force. Raises OSError when Landlock is unavailable.
    """
    abi = abi_version()
    if abi < 1:
        raise OSError("landlock is not available on this kernel")
    ruleset, handled = _create_ruleset(abi)
    try:
        for path in read_only:
            _allow(ruleset, path, (EXECUTE | READ_FILE | READ_DIR) & handled)
        for path in read_write:
            _allow(ruleset, path, handled)
        _check(_libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
        _check(_libc.syscall(_SYS_RESTRICT_SELF, ruleset, ctypes.c_uint32(0)), "restrict_self")
    finally:
        os.close(ruleset)
    return abi
