"""The data archive of a release: <id>_data.zip beside <id>.ipynb, holding data/... .

A notebook opened away from its release folder (uploaded to Colab, downloaded on its own) has no
data/ next to it; its first data cell then asks the student to fetch this one file and unzip it.
release/ is committed and rebuilt byte for byte, so the archive must not depend on when or where
it is built: names sorted, one fixed date and mode, one compressor.
"""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

from dlnlp.course import material_files

# zip's earliest date; mtimes and umasks differ between checkouts, the archive must not
_DATE = (1980, 1, 1, 0, 0, 0)
# a plain file, rw-r--r--, in the high 16 bits where unzip reads it
_MODE = (stat.S_IFREG | 0o644) << 16
_UNIX = 3  # create_system: unzip applies the mode only when the archive says it is Unix's


def data_zip_name(assignment: str) -> str:
    return f"{assignment}_data.zip"


def write_data_zip(data: Path, target: Path) -> Path:
    """Zip every file under the folder `data` as data/<its path below it> into `target`."""
    with zipfile.ZipFile(target, "w") as archive:
        for path in material_files(data):
            info = zipfile.ZipInfo(f"data/{path.relative_to(data).as_posix()}", _DATE)
            info.external_attr = _MODE
            info.create_system = _UNIX
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes(), compresslevel=9)
    return target
