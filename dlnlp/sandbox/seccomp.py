"""The worker's seccomp filter: an allowlist of the system calls it needs. Every other call
fails with EPERM (clone3 with ENOSYS, so that a thread library falls back to clone, which is
denied too: the worker starts no thread and no process).

What is allowed, by purpose, is ALLOWED below: a Python process computing with torch, reading its
install and its scratch folder, and talking to the grader on the socket it was given. Every entry
is also allowed by Docker's default profile (moby's profiles/seccomp/default.json), which is the
floor of what is denied: the calls that profile denies are denied here, and more (FLOOR lists the
ones the tests call, each expected to fail with EPERM): no keys (keyctl, add_key: a key in a
uid's keyring outlives the worker), no ptrace or process_vm_*, no bpf, perf_event_open or
userfaultfd, no mount or namespaces, no modules or kexec, no io_uring, no personality, no
memfd or SysV memory (which no rlimit counts), no new process, thread, program or socket.

Calls of another ABI than the native one (i386 through `int 0x80`, x32) fail too: they are how a
filter that lists native numbers is bypassed. A plain BPF program installed with prctl, so no
library (libseccomp) is needed; on an architecture not listed here the layer reports False. The
numbers come from the kernel's headers (asm/unistd_64.h, asm-generic/unistd.h).
"""

from __future__ import annotations

import ctypes
import errno
import platform

_libc = ctypes.CDLL(None, use_errno=True)
_PR_SET_NO_NEW_PRIVS, _PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 38, 22, 2
_LD_ABS_W, _JEQ_K, _JGE_K, _RET_K = 0x20, 0x15, 0x35, 0x06
_ALLOW = 0x7FFF0000
_DENY = 0x00050000 | errno.EPERM
_NOSYS = 0x00050000 | errno.ENOSYS
_X32_BIT = 0x40000000

# purpose -> the calls it needs (a name missing on an architecture, e.g. open on aarch64, is
# skipped there)
ALLOWED = {
    "memory": "brk mmap munmap mprotect mremap madvise",
    "files": "read pread64 readv write pwrite64 writev openat open close lseek newfstatat fstat stat lstat statx access faccessat faccessat2 getdents64 readlink readlinkat getcwd chdir fchdir fcntl dup dup2 dup3 ioctl mkdir mkdirat unlink unlinkat rename renameat renameat2 rmdir ftruncate fsync fdatasync statfs fstatfs umask fadvise64 flock getxattr lgetxattr fgetxattr utimensat",
    "the grader's socket": "recvfrom sendto recvmsg sendmsg getsockopt getsockname shutdown poll ppoll select pselect6",
    "time": "clock_gettime clock_getres gettimeofday time nanosleep clock_nanosleep times getrusage",
    "about itself": "getpid gettid getppid getuid geteuid getgid getegid getgroups getresuid getresgid getpgrp getsid uname sysinfo getrlimit prlimit64 getrandom sched_getaffinity sched_yield sched_getparam sched_getscheduler sched_get_priority_max sched_get_priority_min getpriority getcpu capget futex",
    "signals": "rt_sigaction rt_sigprocmask rt_sigreturn rt_sigpending sigaltstack kill tgkill tkill",
    "leaving": "exit exit_group restart_syscall wait4 waitid",
    "the C runtime": "arch_prctl prctl membarrier set_tid_address set_robust_list rseq",
}
# denied, as Docker's profile denies them (or more): what tests/test_sandbox.py calls
FLOOR = (
    "keyctl add_key request_key ptrace process_vm_readv process_vm_writev bpf perf_event_open "
    "userfaultfd mount umount2 unshare setns pivot_root kexec_load kexec_file_load init_module "
    "finit_module delete_module io_uring_setup io_uring_enter io_uring_register personality "
    "memfd_create shmget msgget semget clone execve socket"
).split()
NOSYS = ("clone3",)

# machine -> (AUDIT_ARCH_*, {call: number}) for ALLOWED, FLOOR and NOSYS
_ARCHES = {
    "x86_64": (
        0xC000003E,
        {
            "access": 21,
            "arch_prctl": 158,
            "brk": 12,
            "capget": 125,
            "chdir": 80,
            "clock_getres": 229,
            "clock_gettime": 228,
            "clock_nanosleep": 230,
            "close": 3,
            "dup": 32,
            "dup2": 33,
            "dup3": 292,
            "exit": 60,
            "exit_group": 231,
            "faccessat": 269,
            "faccessat2": 439,
            "fadvise64": 221,
            "fchdir": 81,
            "fcntl": 72,
            "fdatasync": 75,
            "fgetxattr": 193,
            "flock": 73,
            "fstat": 5,
            "fstatfs": 138,
            "fsync": 74,
            "ftruncate": 77,
            "futex": 202,
            "getcpu": 309,
            "getcwd": 79,
            "getdents64": 217,
            "getegid": 108,
            "geteuid": 107,
            "getgid": 104,
            "getgroups": 115,
            "getpgrp": 111,
            "getpid": 39,
            "getppid": 110,
            "getpriority": 140,
            "getrandom": 318,
            "getresgid": 120,
            "getresuid": 118,
            "getrlimit": 97,
            "getrusage": 98,
            "getsid": 124,
            "getsockname": 51,
            "getsockopt": 55,
            "gettid": 186,
            "gettimeofday": 96,
            "getuid": 102,
            "getxattr": 191,
            "ioctl": 16,
            "kill": 62,
            "lgetxattr": 192,
            "lseek": 8,
            "lstat": 6,
            "madvise": 28,
            "membarrier": 324,
            "mkdir": 83,
            "mkdirat": 258,
            "mmap": 9,
            "mprotect": 10,
            "mremap": 25,
            "munmap": 11,
            "nanosleep": 35,
            "newfstatat": 262,
            "open": 2,
            "openat": 257,
            "poll": 7,
            "ppoll": 271,
            "prctl": 157,
            "pread64": 17,
            "prlimit64": 302,
            "pselect6": 270,
            "pwrite64": 18,
            "read": 0,
            "readlink": 89,
            "readlinkat": 267,
            "readv": 19,
            "recvfrom": 45,
            "recvmsg": 47,
            "rename": 82,
            "renameat": 264,
            "renameat2": 316,
            "restart_syscall": 219,
            "rmdir": 84,
            "rseq": 334,
            "rt_sigaction": 13,
            "rt_sigpending": 127,
            "rt_sigprocmask": 14,
            "rt_sigreturn": 15,
            "sched_get_priority_max": 146,
            "sched_get_priority_min": 147,
            "sched_getaffinity": 204,
            "sched_getparam": 143,
            "sched_getscheduler": 145,
            "sched_yield": 24,
            "select": 23,
            "sendmsg": 46,
            "sendto": 44,
            "set_robust_list": 273,
            "set_tid_address": 218,
            "shutdown": 48,
            "sigaltstack": 131,
            "stat": 4,
            "statfs": 137,
            "statx": 332,
            "sysinfo": 99,
            "tgkill": 234,
            "time": 201,
            "times": 100,
            "tkill": 200,
            "umask": 95,
            "uname": 63,
            "unlink": 87,
            "unlinkat": 263,
            "utimensat": 280,
            "wait4": 61,
            "waitid": 247,
            "write": 1,
            "writev": 20,
            "keyctl": 250,
            "add_key": 248,
            "request_key": 249,
            "ptrace": 101,
            "process_vm_readv": 310,
            "process_vm_writev": 311,
            "bpf": 321,
            "perf_event_open": 298,
            "userfaultfd": 323,
            "mount": 165,
            "umount2": 166,
            "unshare": 272,
            "setns": 308,
            "pivot_root": 155,
            "kexec_load": 246,
            "kexec_file_load": 320,
            "init_module": 175,
            "finit_module": 313,
            "delete_module": 176,
            "io_uring_setup": 425,
            "io_uring_enter": 426,
            "io_uring_register": 427,
            "personality": 135,
            "memfd_create": 319,
            "memfd_secret": 447,
            "shmget": 29,
            "msgget": 68,
            "semget": 64,
            "clone": 56,
            "clone3": 435,
            "fork": 57,
            "vfork": 58,
            "execve": 59,
            "execveat": 322,
            "socket": 41,
        },
    ),
    "aarch64": (
        0xC00000B7,
        {
            "brk": 214,
            "capget": 90,
            "chdir": 49,
            "clock_getres": 114,
            "clock_gettime": 113,
            "clock_nanosleep": 115,
            "close": 57,
            "dup": 23,
            "dup3": 24,
            "exit": 93,
            "exit_group": 94,
            "faccessat": 48,
            "faccessat2": 439,
            "fadvise64": 223,
            "fchdir": 50,
            "fcntl": 25,
            "fdatasync": 83,
            "fgetxattr": 10,
            "flock": 32,
            "fstat": 80,
            "fstatfs": 44,
            "fsync": 82,
            "ftruncate": 46,
            "futex": 98,
            "getcpu": 168,
            "getcwd": 17,
            "getdents64": 61,
            "getegid": 177,
            "geteuid": 175,
            "getgid": 176,
            "getgroups": 158,
            "getpid": 172,
            "getppid": 173,
            "getpriority": 141,
            "getrandom": 278,
            "getresgid": 150,
            "getresuid": 148,
            "getrlimit": 163,
            "getrusage": 165,
            "getsid": 156,
            "getsockname": 204,
            "getsockopt": 209,
            "gettid": 178,
            "gettimeofday": 169,
            "getuid": 174,
            "getxattr": 8,
            "ioctl": 29,
            "kill": 129,
            "lgetxattr": 9,
            "lseek": 62,
            "madvise": 233,
            "membarrier": 283,
            "mkdirat": 34,
            "mmap": 222,
            "mprotect": 226,
            "mremap": 216,
            "munmap": 215,
            "nanosleep": 101,
            "newfstatat": 79,
            "openat": 56,
            "ppoll": 73,
            "prctl": 167,
            "pread64": 67,
            "prlimit64": 261,
            "pselect6": 72,
            "pwrite64": 68,
            "read": 63,
            "readlinkat": 78,
            "readv": 65,
            "recvfrom": 207,
            "recvmsg": 212,
            "renameat": 38,
            "renameat2": 276,
            "restart_syscall": 128,
            "rseq": 293,
            "rt_sigaction": 134,
            "rt_sigpending": 136,
            "rt_sigprocmask": 135,
            "rt_sigreturn": 139,
            "sched_get_priority_max": 125,
            "sched_get_priority_min": 126,
            "sched_getaffinity": 123,
            "sched_getparam": 121,
            "sched_getscheduler": 120,
            "sched_yield": 124,
            "sendmsg": 211,
            "sendto": 206,
            "set_robust_list": 99,
            "set_tid_address": 96,
            "shutdown": 210,
            "sigaltstack": 132,
            "statfs": 43,
            "statx": 291,
            "sysinfo": 179,
            "tgkill": 131,
            "times": 153,
            "tkill": 130,
            "umask": 166,
            "uname": 160,
            "unlinkat": 35,
            "utimensat": 88,
            "wait4": 260,
            "waitid": 95,
            "write": 64,
            "writev": 66,
            "keyctl": 219,
            "add_key": 217,
            "request_key": 218,
            "ptrace": 117,
            "process_vm_readv": 270,
            "process_vm_writev": 271,
            "bpf": 280,
            "perf_event_open": 241,
            "userfaultfd": 282,
            "mount": 40,
            "umount2": 39,
            "unshare": 97,
            "setns": 268,
            "pivot_root": 41,
            "kexec_load": 104,
            "kexec_file_load": 294,
            "init_module": 105,
            "finit_module": 273,
            "delete_module": 106,
            "io_uring_setup": 425,
            "io_uring_enter": 426,
            "io_uring_register": 427,
            "personality": 92,
            "memfd_create": 279,
            "shmget": 194,
            "msgget": 186,
            "semget": 190,
            "clone": 220,
            "clone3": 435,
            "execve": 221,
            "execveat": 281,
            "socket": 198,
        },
    ),
}


class _Insn(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_uint16),
        ("jt", ctypes.c_uint8),
        ("jf", ctypes.c_uint8),
        ("k", ctypes.c_uint32),
    ]


class _Prog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_Insn))]


def allowed(machine: str) -> list[int]:
    """The numbers of the allowed calls on `machine`, sorted."""
    numbers = _ARCHES[machine][1]
    return sorted({numbers[n] for calls in ALLOWED.values() for n in calls.split() if n in numbers})


def program(machine: str) -> list[tuple[int, int, int, int]]:
    """The filter as (code, jt, jf, k) instructions: another ABI is denied, each allowed call
    jumps to ALLOW, clone3 to ENOSYS, and everything else falls through to EPERM."""
    arch, numbers = _ARCHES[machine]
    ok = allowed(machine)
    nosys = [numbers[n] for n in NOSYS if n in numbers]
    insns = [
        (_LD_ABS_W, 0, 0, 4),
        (_JEQ_K, 1, 0, arch),
        (_RET_K, 0, 0, _DENY),
        (_LD_ABS_W, 0, 0, 0),
    ]
    checks = len(ok) + len(nosys) + (machine == "x86_64")
    # after the checks: [deny] [allow] [nosys]; a check at position i jumps this far forward
    if machine == "x86_64":
        insns.append((_JGE_K, checks - 1, 0, _X32_BIT))  # to the deny
    for i, nr in enumerate(ok):
        insns.append((_JEQ_K, checks - (machine == "x86_64") - i, 0, nr))  # to the allow
    for i, nr in enumerate(nosys):
        insns.append((_JEQ_K, len(nosys) - i + 1, 0, nr))  # to the nosys
    return insns + [(_RET_K, 0, 0, _DENY), (_RET_K, 0, 0, _ALLOW), (_RET_K, 0, 0, _NOSYS)]


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
