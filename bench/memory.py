"""Memory of a server: VmRSS / VmHWM summed over a process and its descendants (Linux /proc)."""
from __future__ import annotations

from pathlib import Path
from typing import Dict


def _proc_table() -> Dict[int, int]:
    """pid -> parent pid, for every process."""
    table = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                table[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    return table


def status_kb(pid: int, field: str) -> int:
    """One field of /proc/<pid>/status in kB (VmRSS, VmHWM); 0 when unreadable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_kb(pid: int, field: str = "VmRSS") -> int:
    """Sum of `field` (VmRSS, VmHWM) over pid and all its descendants, in kB."""
    table = _proc_table()
    pids, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        for child, ppid in table.items():
            if ppid == parent and child not in pids:
                pids.add(child)
                frontier.append(child)
    return sum(status_kb(p, field) for p in pids)


def mb(kb: int) -> float:
    return round(kb / 1024, 1)
