"""An independent Confluent Avro client for the interop tests: Debian's python3-confluent-kafka legacy
confluent_kafka.avro AvroProducer/AvroConsumer (which use Apache Avro for Python and the Schema Registry REST API).

  confluent_avro.py produce BOOTSTRAP REGISTRY TOPIC SCHEMA.avsc     writes the records below
  confluent_avro.py consume BOOTSTRAP REGISTRY TOPIC COUNT           prints each value as one JSON line
  confluent_avro.py follow BOOTSTRAP REGISTRY TOPIC FIELD VALUE COUNT prints key and value of records whose key FIELD is VALUE
"""
import datetime
import decimal
import json
import sys

from confluent_kafka import avro
from confluent_kafka.avro import AvroConsumer, AvroProducer


def to_json(value):
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def follow(bootstrap, registry, topic, group, count, show):
    """Reads the topic from the beginning and prints show(message) as JSON until count messages were shown."""
    consumer = AvroConsumer({"bootstrap.servers": bootstrap, "schema.registry.url": registry,
                             "group.id": group, "auto.offset.reset": "earliest"})
    consumer.subscribe([topic])
    seen = 0
    deadline = datetime.datetime.now() + datetime.timedelta(seconds=60)
    while seen < count and datetime.datetime.now() < deadline:
        message = consumer.poll(1.0)
        if message is None:
            continue
        if message.error():
            raise SystemExit(str(message.error()))
        shown = show(message)
        if shown is None:
            continue
        print(json.dumps(shown, ensure_ascii=False, sort_keys=True,
                         default=lambda o: o.hex() if isinstance(o, (bytes, bytearray)) else str(o)), flush=True)
        seen += 1
    consumer.close()
    if seen < count:
        raise SystemExit(f"read {seen} of {count} records")


def main():
    mode, bootstrap, registry, topic = sys.argv[1:5]
    if mode == "produce":
        with open(sys.argv[5], encoding="utf-8") as f:
            schema = avro.loads(f.read())
        producer = AvroProducer({"bootstrap.servers": bootstrap, "schema.registry.url": registry}, default_value_schema=schema)
        utc = datetime.timezone.utc
        for record in [
            {"sku": "TEE-00001-BLK-M", "name": "Grüße aus Köln – 東京", "price": decimal.Decimal("1234.5000"),
             "at": datetime.datetime(2026, 11, 22, 10, 30, 15, 123456, tzinfo=utc), "state": "DONE",
             "stock": {"WH": 7, "EU": -3}, "note": None, "big": 9007199254740993},
            {"sku": "MUG-00002", "name": "ünïcödé", "price": decimal.Decimal("-0.0001"),
             "at": datetime.datetime(1999, 12, 31, 23, 59, 59, 1, tzinfo=utc), "state": "DRAFT",
             "stock": {}, "note": "fragile", "big": -9223372036854775808},
        ]:
            producer.produce(topic=topic, value=record)
        if producer.flush(30) != 0:
            raise SystemExit("not all records were delivered")
    elif mode == "consume":
        follow(bootstrap, registry, topic, "interop-" + topic, int(sys.argv[5]),
               lambda message: to_json(message.value()))
    elif mode == "follow":
        field, wanted, count = sys.argv[5], int(sys.argv[6]), int(sys.argv[7])
        follow(bootstrap, registry, topic, "follow-" + topic + "-" + str(wanted), count,
               lambda message: {"key": to_json(message.key()), "value": to_json(message.value())}
               if message.key() is not None and message.key().get(field) == wanted else None)
    else:
        raise SystemExit("unknown mode " + mode)


if __name__ == "__main__":
    main()
