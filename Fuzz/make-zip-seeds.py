"""Writes run-logs zip seeds for the zip harness: Fuzz/make-zip-seeds.py CORPUS FIXTURES.

The seeds are small zips laid out as GitHub's run-logs archive is: top-level N_<job>.txt
files and a folder of step files, deflated and stored, made from the fixtures' job logs.
"""

import glob
import io
import os
import sys
import zipfile

corpus, fixtures = sys.argv[1], sys.argv[2]
logs = sorted(glob.glob(os.path.join(fixtures, "*", "job.log")))
logs = [path for path in logs if os.path.getsize(path) <= 65536][:6]
for method, name in [(zipfile.ZIP_DEFLATED, "deflated"), (zipfile.ZIP_STORED, "stored")]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        for index, path in enumerate(logs[:3], start=1):
            job = os.path.basename(os.path.dirname(path))
            data = open(path, "rb").read()
            archive.writestr(f"{index}_{job}.txt", data)
            archive.writestr(f"{job}/1_Set up job.txt", data[:2048])
            archive.writestr(f"{job}/2_Run tests.txt", data[2048:4096])
    open(os.path.join(corpus, f"seed-run-logs-{name}.zip"), "wb").write(buffer.getvalue())
    # The same archive cut before its central directory (an interrupted download).
    data = buffer.getvalue()
    open(os.path.join(corpus, f"seed-run-logs-{name}-cut.zip"), "wb").write(data[: len(data) // 2])
