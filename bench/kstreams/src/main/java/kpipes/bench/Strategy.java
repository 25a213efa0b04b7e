package kpipes.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The strategy job: X_input -> X_output, each record with "result" computed
 * from "value" as src/strategy/transform.c computes it. The output is the
 * input's bytes with {@code ,"result":N} written before the closing brace,
 * N laid out as jq 1.6 prints numbers, which is what kpipes' strategy writes;
 * the record is parsed (with Jackson) to check it and read "value". A
 * record that is not a JSON object with a numeric "value" is dropped and
 * counted, as strategy sets such a line aside.
 */
final class Strategy {
	private static final ObjectMapper JSON = new ObjectMapper();
	private static final byte[] RESULT = "\"result\":".getBytes(StandardCharsets.US_ASCII);

	private Strategy() {
	}

	static Topology topology(String input, String output, Counters counters) {
		StreamsBuilder b = new StreamsBuilder();
		b.stream(input, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
		    .peek((k, v) -> counters.in.increment())
		    .mapValues(Strategy::apply)
		    .filter((k, v) -> {
			    if (v == null)
				    counters.rejected.increment();
			    return v != null;
		    })
		    .peek((k, v) -> counters.out.increment())
		    .to(output, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
		return b.build();
	}

	/** value < 30: x2; 30 to 60: x1.5 + 10; above 60: x^2 / 100. */
	static double result(double value) {
		if (value < 30)
			return value * 2;
		if (value <= 60)
			return value * 1.5 + 10;
		return value * value / 100;
	}

	/** The output record for one input record, or null for a bad one. */
	static byte[] apply(byte[] in) {
		JsonNode tree;
		try {
			tree = JSON.readTree(in);
		} catch (IOException e) {
			return null;
		}
		if (!(tree instanceof ObjectNode obj))
			return null;
		JsonNode value = obj.get("value");
		if (value == null || !value.isNumber())
			return null;
		String num = JqNumber.format(result(value.doubleValue()));
		if (obj.has("result")) {
			/* Rare: replaced where it stands, the record written anew. */
			obj.putRawValue("result", new RawValue(num));
			try {
				return JSON.writeValueAsBytes(obj);
			} catch (IOException e) {
				return null;
			}
		}
		int close = in.length - 1;
		while (in[close] != '}')
			close--;
		byte[] n = num.getBytes(StandardCharsets.US_ASCII);
		boolean comma = obj.size() > 0;
		byte[] out = new byte[in.length + (comma ? 1 : 0) + RESULT.length + n.length];
		int at = close;
		System.arraycopy(in, 0, out, 0, close);
		if (comma)
			out[at++] = ',';
		System.arraycopy(RESULT, 0, out, at, RESULT.length);
		at += RESULT.length;
		System.arraycopy(n, 0, out, at, n.length);
		at += n.length;
		System.arraycopy(in, close, out, at, in.length - close);
		return out;
	}
}
