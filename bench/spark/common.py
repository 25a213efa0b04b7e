"""What the two Spark jobs share: options, the session, and the run loop.

The harness (bench/vs-spark.sh) drives a job through files, so that Spark's
start-up (JVM, session, first query plan) is kept out of the measured span:

  --warmup TOPIC  run the job once over TOPIC to its end (availableNow), so
                  classes are loaded and code generated before the real run
  --ready FILE    created once the session is up and the warm-up is done
  --go FILE       the real query starts only when FILE exists
  --stop FILE     the query and the session stop cleanly when FILE exists
  --progress FILE each micro-batch's progress, one JSON object a line
"""
import argparse
import json
import os
import tempfile
import time

from pyspark.sql import SparkSession


def options(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--brokers", default=os.environ.get("KAFKA_BROKERS", "localhost:9092"))
    p.add_argument("--output", required=True, help="output topic")
    p.add_argument("--starting-offsets", default="earliest")
    p.add_argument("--watermark", default="0 seconds",
                   help="withWatermark delay on each input (as wjoin -d)")
    p.add_argument("--checkpoint", help="checkpoint directory (default: a new temporary one)")
    p.add_argument("--warmup", action="append", default=[], metavar="TOPIC")
    p.add_argument("--warmup-output", default="spark_warmup_out")
    p.add_argument("--ready")
    p.add_argument("--go")
    p.add_argument("--stop")
    p.add_argument("--progress")
    p.add_argument("--shuffle-partitions", default="4")
    return p


def session(name, args):
    jars = os.environ.get("SPARK_JARS", "")
    b = (SparkSession.builder.appName(name)
         .master(os.environ.get("SPARK_MASTER", "local[2]"))
         # The stream-stream join shuffles; Spark's default of 200 shuffle
         # partitions means 200 tasks per micro-batch on 2 cores.
         .config("spark.sql.shuffle.partitions", args.shuffle_partitions)
         .config("spark.ui.enabled", "false")
         .config("spark.ui.showConsoleProgress", "false")
         .config("spark.sql.streaming.forceDeleteTempCheckpointLocation", "true"))
    if jars:
        b = b.config("spark.jars", jars)
    spark = b.getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    return spark


def kafka_stream(spark, args, topic, starting):
    return (spark.readStream.format("kafka")
            .option("kafka.bootstrap.servers", args.brokers)
            .option("subscribe", topic)
            .option("startingOffsets", starting)
            .load())


def write_kafka(df, args, topic, checkpoint, available_now=False):
    w = (df.writeStream.format("kafka")
         .option("kafka.bootstrap.servers", args.brokers)
         .option("topic", topic)
         .option("checkpointLocation", checkpoint))
    if available_now:
        w = w.trigger(availableNow=True)
    return w.start()


def wait_for(path):
    while not os.path.exists(path):
        time.sleep(0.01)


def run(spark, args, build):
    """build(inputs: dict of name->topic overrides or None) -> DataFrame to write."""
    base = args.checkpoint or tempfile.mkdtemp(prefix="kpipes-spark-ckpt.")
    if args.warmup:
        q = write_kafka(build(args.warmup), args, args.warmup_output,
                        os.path.join(base, "warmup"), available_now=True)
        q.awaitTermination()
    if args.ready:
        open(args.ready, "w").close()
    if args.go:
        wait_for(args.go)
    q = write_kafka(build(None), args, args.output, os.path.join(base, "main"))
    seen = None
    prog = open(args.progress, "a") if args.progress else None
    while q.isActive:
        q.awaitTermination(0.2)
        if prog:
            for p in q.recentProgress:
                key = (p["batchId"], p["timestamp"])
                if seen is None or key > seen:
                    text = p.json if hasattr(p, "json") else json.dumps(p, default=str)
                    prog.write(json.dumps(json.loads(text), separators=(",", ":")) + "\n")
                    seen = key
            prog.flush()
        if args.stop and os.path.exists(args.stop):
            # Let a running micro-batch finish: stopping one mid-commit
            # logs its state store write as aborted.
            for _ in range(100):
                if not q.status["isTriggerActive"]:
                    break
                time.sleep(0.1)
            q.stop()
            break
    if q.exception():
        raise SystemExit("query failed: %s" % q.exception())
    spark.stop()
