package kpipes.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Properties;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.JoinWindows;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.StreamJoined;
import org.apache.kafka.streams.processor.TimestampExtractor;
import org.apache.kafka.streams.state.BuiltInDslStoreSuppliers;

/**
 * The tutorial's time-band join: C_output x D_input -> D_input_ready, an
 * inner join of the pairs whose event times ("ts") are at most the window
 * apart, both ends included, written as {"left":C,"right":D} with the two
 * records' bytes as they came (the shape of wjoin's output). Event time is
 * the record's "ts" (a TimestampExtractor); the join is unkeyed, as wjoin's,
 * so both sides are keyed to one constant (selectKey, hence a repartition
 * topic each). A record whose "ts" cannot be read gets a negative
 * timestamp, which Kafka Streams drops with a warning.
 *
 * Two settings differ from Kafka Streams' defaults (see defaults()), both
 * needed for the tutorial's data, whose event time moves 150 s a record.
 */
final class Join {
	private static final byte[] KEY = {'0'};
	private static final byte[] LEFT = "{\"left\":".getBytes(StandardCharsets.US_ASCII);
	private static final byte[] RIGHT = ",\"right\":".getBytes(StandardCharsets.US_ASCII);

	private Join() {
	}

	static Topology topology(String left, String right, String output, Duration window,
	    Duration grace, Counters counters) {
		Serde<byte[]> bytes = Serdes.ByteArray();
		Consumed<byte[], byte[]> consumed = Consumed.with(bytes, bytes)
		    .withTimestampExtractor(new EventTime());
		StreamsBuilder b = new StreamsBuilder();
		KStream<byte[], byte[]> c = b.stream(left, consumed)
		    .peek((k, v) -> counters.in.increment())
		    .selectKey((k, v) -> KEY);
		KStream<byte[], byte[]> d = b.stream(right, consumed)
		    .peek((k, v) -> counters.in.increment())
		    .selectKey((k, v) -> KEY);
		c.join(d, Join::pair, JoinWindows.ofTimeDifferenceAndGrace(window, grace),
		    StreamJoined.with(bytes, bytes, bytes).withName("cd"))
		    .peek((k, v) -> counters.out.increment())
		    .to(output, Produced.with(bytes, bytes));
		return b.build();
	}

	/**
	 * The join's settings, before -X: window stores in memory, as wjoin's
	 * and Spark's default state store keep their state (the RocksDB store
	 * is segmented by time, retention / 2 = 6 minutes here, and opened a
	 * new RocksDB instance every 2 or 3 records: 40,000 records then took
	 * 40 CPU-s and lost pairs); and a task waits up to a second for a
	 * repartition topic that has nothing buffered (max.task.idle.ms) before
	 * it goes on with the other: at the default, 0, the two repartition
	 * topics are read unevenly, stream time runs ahead of the slower side,
	 * and its records are dropped as late (47,860 of 80,089 pairs).
	 */
	static void defaults(Properties p) {
		p.setProperty(StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG,
		    BuiltInDslStoreSuppliers.InMemoryDslStoreSuppliers.class.getName());
		p.setProperty(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, "1000");
	}

	static byte[] pair(byte[] l, byte[] r) {
		byte[] out = new byte[LEFT.length + l.length + RIGHT.length + r.length + 1];
		int at = 0;
		System.arraycopy(LEFT, 0, out, at, LEFT.length);
		at += LEFT.length;
		System.arraycopy(l, 0, out, at, l.length);
		at += l.length;
		System.arraycopy(RIGHT, 0, out, at, RIGHT.length);
		at += RIGHT.length;
		System.arraycopy(r, 0, out, at, r.length);
		at += r.length;
		out[at] = '}';
		return out;
	}

	/**
	 * The top-level "ts" of a JSON object (the last, if several), as
	 * wjoin reads it: an ISO 8601 string (Z, an offset, or no zone for UTC)
	 * or a number of epoch milliseconds; -1 if there is none.
	 */
	static long eventTime(byte[] value) {
		long ts = -1;
		try (JsonParser p = Json.FACTORY.createParser(value)) {
			if (p.nextToken() != JsonToken.START_OBJECT)
				return -1;
			JsonToken t;
			while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
				boolean isTs = "ts".equals(p.currentName());
				t = p.nextToken();
				if (!isTs) {
					p.skipChildren();
					continue;
				}
				if (t == JsonToken.VALUE_STRING)
					ts = isoMillis(p.getText());
				else if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT)
					ts = (long) Math.floor(p.getDoubleValue());
				else
					ts = -1;
			}
		} catch (IOException e) {
			return -1;
		}
		return ts;
	}

	private static long isoMillis(String s) {
		try {
			return Instant.parse(s).toEpochMilli();
		} catch (DateTimeParseException e) {
			// Not "...Z": an offset, or no zone at all (UTC).
		}
		try {
			return OffsetDateTime.parse(s).toInstant().toEpochMilli();
		} catch (DateTimeParseException e) {
			// No zone.
		}
		try {
			return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC).toEpochMilli();
		} catch (DateTimeParseException e) {
			return -1;
		}
	}

	static final class EventTime implements TimestampExtractor {
		@Override
		public long extract(ConsumerRecord<Object, Object> rec, long partitionTime) {
			Object v = rec.value();
			return v instanceof byte[] b ? eventTime(b) : -1;
		}
	}

	private static final class Json {
		static final JsonFactory FACTORY = new JsonFactory();
	}
}
