"""The tutorial's stream-stream join in PySpark Structured Streaming:
C_output x D_input, pairs whose event times ("ts") are within +-5 minutes,
with a watermark on both inputs, -> D_input_ready as {"left":C,"right":D}
(the shape of kpipes' wjoin output).

  merge_c_d.py --brokers B --left C_output --right D_input --output D_input_ready
               [--window-minutes 5] [--watermark '0 seconds']
               [--key bucket|constant] [common options]

Spark runs no stream-stream join without an equality predicate ("Stream-
stream join without equality predicate is not supported"); the tutorial
joined on the Kafka key. For the unkeyed +-5 minute join there are two ways:

  bucket    (default) the equality is on 5-minute buckets of event time: C in
            its bucket, each D in its bucket and the two beside it, so every
            pair within the window meets in exactly one bucket; the time
            condition then decides. State lookups stay local and the buckets
            spread over the shuffle partitions.
  constant  the same constant on both sides: one shuffle partition holds the
            whole join, and every record is compared with every record kept
            in the other side's state (quadratic).
"""
from pyspark.sql import functions as F
from pyspark.sql.types import DoubleType, LongType, StringType, StructField, StructType

import common

LEFT = StructType([
    StructField("strategy", StringType()),
    StructField("value", DoubleType()),
    StructField("ts", StringType()),
    StructField("id", LongType()),
    StructField("result", DoubleType()),
])
RIGHT = StructType(LEFT.fields[:4])


def main():
    p = common.options(__doc__)
    p.add_argument("--left", required=True)
    p.add_argument("--right", required=True)
    p.add_argument("--window-minutes", type=int, default=5)
    p.add_argument("--key", choices=("bucket", "constant"), default="bucket")
    args = p.parse_args()
    spark = common.session("merge_c_d", args)
    window_ms = args.window_minutes * 60 * 1000

    def side(topic, schema, starting, name):
        raw = common.kafka_stream(spark, args, topic, starting)
        rec = raw.select(F.from_json(F.col("value").cast("string"), schema).alias(name))
        t = name + "_time"
        rec = (rec.withColumn(t, F.to_timestamp(F.col(name + ".ts")))
               .withWatermark(t, args.watermark))
        if args.key == "constant":
            return rec.withColumn(name + "_k", F.lit(0))
        bucket = F.floor(F.unix_millis(F.col(t)) / window_ms)
        if name == "left":
            return rec.withColumn("left_k", bucket)
        return rec.withColumn("right_k", F.explode(F.array(bucket - 1, bucket, bucket + 1)))

    def build(warmup):
        starting = "earliest" if warmup else args.starting_offsets
        lt, rt = (warmup[0], warmup[1]) if warmup else (args.left, args.right)
        c = side(lt, LEFT, starting, "left")
        d = side(rt, RIGHT, starting, "right")
        w = "interval %d minutes" % args.window_minutes
        j = c.join(d, F.expr("left_k = right_k AND left_time BETWEEN right_time - %s AND right_time + %s"
                             % (w, w)))
        return j.select(F.to_json(F.struct("left", "right")).alias("value"))

    common.run(spark, args, build)


if __name__ == "__main__":
    main()
