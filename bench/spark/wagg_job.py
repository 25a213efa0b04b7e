"""The tutorial's statistics step in PySpark Structured Streaming, the query
that kpipes runs as

  kin A_output B_output C_output D_output |
      wagg -k .strategy -w 1m 'count, avg(.result), max(.value), p99(.result)' |
      kout strategy_stats

  wagg_job.py --brokers B --input A_output,B_output,C_output,D_output
              --output strategy_stats [--watermark '60 seconds'] [common options]

groupBy(window(ts, "1 minute"), strategy).agg(count, avg(result), max(value),
percentile_approx(result, 0.99)) on event time, with withWatermark on ts (the
delay wagg's -d has by default, 60 s) and the default output mode, append: a
window's row is written once, in the first micro-batch after the watermark
has passed the window's end. Rows are JSON objects named and laid out as
wagg writes them:

  {"window_start":"2026-11-24T00:00:00.000Z","window_end":"2026-11-24T00:01:00.000Z",
   "key":"A","count":57,"avg_result":49.93,"max_value":99.1,"p99_result":97.12}

percentile_approx keeps its default accuracy (10000: a rank error of at most
n/10000, so exact below 10000 numbers a window and key); its rank is
ceil(0.99 n) counting from 1, wagg's floor(0.99 (n - 1)) counting from 0.
"""
from pyspark.sql import functions as F

import common

# The strategy outputs' members ("id", from mockgen --id, may be absent).
SCHEMA = "strategy STRING, value DOUBLE, ts STRING, id BIGINT, result DOUBLE"
# wagg writes window times as the records wrote theirs: ISO 8601, UTC, ms.
TIME = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"


def main():
    p = common.options(__doc__)
    p.add_argument("--input", required=True, help="input topics, separated by commas")
    p.add_argument("--window", default="1 minute")
    p.set_defaults(watermark="60 seconds")
    args = p.parse_args()
    spark = common.session("wagg_job", args)
    # Window times are printed in UTC, as wagg prints them.
    spark.conf.set("spark.sql.session.timeZone", "UTC")

    def build(warmup):
        topic = ",".join(warmup) if warmup else args.input
        raw = common.kafka_stream(spark, args, topic, "earliest" if warmup else args.starting_offsets)
        rec = (raw.select(F.from_json(F.col("value").cast("string"), SCHEMA).alias("r"))
               .select("r.*")
               .withColumn("t", F.to_timestamp("ts"))
               .withWatermark("t", args.watermark))
        rows = (rec.groupBy(F.window("t", args.window).alias("w"), F.col("strategy"))
                .agg(F.count(F.lit(1)).alias("count"),
                     F.avg("result").alias("avg_result"),
                     F.max("value").alias("max_value"),
                     F.percentile_approx("result", 0.99).alias("p99_result")))
        out = rows.select(F.to_json(F.struct(
            F.date_format("w.start", TIME).alias("window_start"),
            F.date_format("w.end", TIME).alias("window_end"),
            F.col("strategy").alias("key"),
            "count", "avg_result", "max_value", "p99_result")).alias("value"))
        return out

    common.run(spark, args, build)


if __name__ == "__main__":
    main()
