#!/usr/bin/env python3
"""Packs the librdkafka.redist placeholder into build/nuget-placeholders/ (deterministic bytes).

A .nupkg is a zip holding the nuspec at its root; NuGet needs nothing else for a package without assets.
"""
import pathlib
import zipfile

here = pathlib.Path(__file__).resolve().parent
src = here / "librdkafka.redist"
out = here / "librdkafka.redist.1.9.2.nupkg"
content_types = (b'<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                 b'content-types"><Default Extension="nuspec" ContentType="application/octet" />'
                 b'<Default Extension="txt" ContentType="application/octet" /></Types>')

with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for name, data in [("librdkafka.redist.nuspec", (src / "librdkafka.redist.nuspec").read_bytes()),
                       ("README.txt", (src / "README.txt").read_bytes()),
                       ("[Content_Types].xml", content_types)]:
        info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, data)
print(out.name)
