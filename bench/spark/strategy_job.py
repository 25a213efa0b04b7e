"""The tutorial's strategy job in PySpark Structured Streaming:
X_input -> result (value < 30: x2; 30..60: x1.5+10; > 60: x^2/100) -> X_output.

  strategy_job.py --brokers B --input A_input --output A_output [common options]

Every field of the input record is kept (the schema names them; "id", from
mockgen --id, is optional and left out of the output when absent) and
"result" is added, as kpipes' strategy does.
"""
from pyspark.sql import functions as F
from pyspark.sql.types import DoubleType, LongType, StringType, StructField, StructType

import common

SCHEMA = StructType([
    StructField("strategy", StringType()),
    StructField("value", DoubleType()),
    StructField("ts", StringType()),
    StructField("id", LongType()),
])


def main():
    p = common.options(__doc__)
    p.add_argument("--input", required=True, help="input topic")
    args = p.parse_args()
    spark = common.session("strategy_job", args)

    def build(warmup):
        topic = ",".join(warmup) if warmup else args.input
        raw = common.kafka_stream(spark, args, topic, "earliest" if warmup else args.starting_offsets)
        rec = raw.select(F.from_json(F.col("value").cast("string"), SCHEMA).alias("r")).select("r.*")
        v = F.col("value")
        rec = rec.withColumn("result",
                             F.when(v < 30, v * 2)
                             .when(v <= 60, v * 1.5 + 10)
                             .otherwise(v * v / 100))
        return rec.select(F.to_json(F.struct(*rec.columns)).alias("value"))

    common.run(spark, args, build)


if __name__ == "__main__":
    main()
