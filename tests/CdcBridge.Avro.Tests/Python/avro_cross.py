"""Cross-implementation checks against Apache Avro for Python (Debian's python3-avro), run by the .NET tests.

  avro_cross.py reencode SCHEMA.avsc   stdin: hex lines written by CdcBridge; stdout per line: re-encoded hex TAB JSON
  avro_cross.py produce SCHEMA.avsc    stdout: hex lines of the records below, written by Apache Avro
"""
import datetime
import decimal
import io
import json
import sys

import avro.io
import avro.schema


def to_json(value):
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value


def encode(schema, datum):
    buffer = io.BytesIO()
    avro.io.DatumWriter(schema).write(datum, avro.io.BinaryEncoder(buffer))
    return buffer.getvalue().hex()


def main():
    mode, schema_path = sys.argv[1], sys.argv[2]
    with open(schema_path, encoding="utf-8") as f:
        schema = avro.schema.parse(f.read())
    if mode == "reencode":
        reader = avro.io.DatumReader(schema)
        for line in sys.stdin:
            line = line.strip()
            if not line:
                continue
            datum = reader.read(avro.io.BinaryDecoder(io.BytesIO(bytes.fromhex(line))))
            print(encode(schema, datum) + "\t" + json.dumps(to_json(datum), ensure_ascii=False, sort_keys=True))
    elif mode == "produce":
        utc = datetime.timezone.utc
        records = [
            {"sku": "TEE-00001-BLK-M", "name": "Grüße aus Köln – 東京", "price": decimal.Decimal("1234567890.1234"),
             "at": datetime.datetime(2026, 11, 22, 10, 30, 15, 123456, tzinfo=utc), "day": datetime.date(2026, 2, 28),
             "state": "DONE", "stock": {"WH": 7, "EU": -3}, "note": None, "big": 9007199254740993,
             "ratio": 0.1, "lines": [{"qty": 2, "ref": "a"}], "digest": b"\x00\xff\x10"},
            {"sku": "MUG-00002", "name": "", "price": decimal.Decimal("-0.0001"),
             "at": datetime.datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=utc), "day": datetime.date(1900, 1, 1),
             "state": "DRAFT", "stock": {}, "note": "ünïcödé", "big": -9223372036854775808,
             "ratio": -1.5e300, "lines": [], "digest": b"abc"},
        ]
        for record in records:
            print(encode(schema, record))
    else:
        raise SystemExit("unknown mode " + mode)


if __name__ == "__main__":
    main()
