package kpipes.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;

/**
 * The tutorial's two jobs in Kafka Streams, driven by bench/vs-spark.sh.
 *
 * <pre>
 * Main strategy --brokers B --app-id ID --input T --output T [common]
 * Main join --brokers B --app-id ID --left C --right D --output T
 *           [--window-ms 300000] [--grace-ms 120000] [common]
 * Main filter &lt; NDJSON    the strategy's transform alone, stdin to stdout
 * common: [--guarantee at_least_once|exactly_once_v2] [--threads N]
 *         [--state-dir DIR] [-X key=value]...
 *         [--warmup-input T]... [--warmup-output T] [--warmup-records N]
 *         [--ready FILE] [--go FILE]
 * </pre>
 *
 * As the Spark jobs (bench/spark/common.py), the JVM's start and a warm-up
 * are kept out of the measured span: with --warmup-input, the same topology
 * first runs, under its own application id, over the given topics (the
 * strategy's input, or the join's left and right in that order) until
 * --warmup-records records have been read and no output has come for a
 * second; then --ready is created, and the real application starts once
 * --go exists. It runs until SIGTERM or SIGINT, then closes (committing
 * what it has processed) and prints its counts on stderr. Exit status: 0,
 * 1 if the application failed, 2 for a usage error.
 *
 * {@code filter} runs the strategy job's transform on standard input, so
 * that its output can be compared with kpipes' strategy without Kafka.
 */
public final class Main {
	private static final String USAGE = "usage: Main strategy|join --brokers B --app-id ID --output T"
	    + " (--input T | --left T --right T) [--window-ms MS] [--grace-ms MS]"
	    + " [--guarantee at_least_once|exactly_once_v2] [--threads N] [--state-dir DIR]"
	    + " [-X key=value]... [--warmup-input T]... [--warmup-output T] [--warmup-records N]"
	    + " [--ready FILE] [--go FILE]";

	private Main() {
	}

	private static void usage(String why) {
		System.err.println("kstreams-bench: " + why);
		System.err.println(USAGE);
		System.exit(2);
	}

	public static void main(String[] argv) throws Exception {
		if (argv.length == 1 && argv[0].equals("filter")) {
			filter();
			return;
		}
		if (argv.length < 1 || !(argv[0].equals("strategy") || argv[0].equals("join")))
			usage("the first argument is the job, strategy or join");
		String job = argv[0];
		Map<String, String> opt = new HashMap<>();
		Properties extra = new Properties();
		if (job.equals("join"))
			Join.defaults(extra);
		java.util.List<String> warmup = new java.util.ArrayList<>();
		for (int i = 1; i < argv.length; i++) {
			String a = argv[i];
			if (!a.startsWith("-") || i + 1 >= argv.length)
				usage("bad argument " + a);
			String v = argv[++i];
			switch (a) {
			case "-X" -> {
				int eq = v.indexOf('=');
				if (eq <= 0)
					usage("-X wants key=value");
				extra.setProperty(v.substring(0, eq), v.substring(eq + 1));
			}
			case "--warmup-input" -> warmup.add(v);
			case "--brokers", "--app-id", "--input", "--output", "--left", "--right",
			    "--window-ms", "--grace-ms", "--guarantee", "--threads", "--state-dir",
			    "--warmup-output", "--warmup-records", "--ready", "--go" -> opt.put(a.substring(2), v);
			default -> usage("unknown option " + a);
			}
		}
		for (String need : new String[] {"brokers", "app-id", "output"})
			if (!opt.containsKey(need))
				usage("--" + need + " is needed");
		Counters counters = new Counters();
		Function<String[], Topology> build;	/* topics -> topology */
		if (job.equals("strategy")) {
			if (!opt.containsKey("input"))
				usage("--input is needed");
			build = t -> Strategy.topology(t[0], t[1], counters);
		} else {
			if (!opt.containsKey("left") || !opt.containsKey("right"))
				usage("--left and --right are needed");
			Duration window = Duration.ofMillis(Long.parseLong(opt.getOrDefault("window-ms", "300000")));
			Duration grace = Duration.ofMillis(Long.parseLong(opt.getOrDefault("grace-ms", "120000")));
			build = t -> Join.topology(t[0], t[1], t[2], window, grace, counters);
		}

		if (!warmup.isEmpty()) {
			String[] topics = new String[warmup.size() + 1];
			warmup.toArray(topics);
			topics[warmup.size()] = opt.getOrDefault("warmup-output", "ks_warm_out");
			long target = Long.parseLong(opt.getOrDefault("warmup-records", "1"));
			runWarmup(build.apply(topics), config(opt, extra, opt.get("app-id") + "-warmup"), counters, target);
		}
		if (opt.containsKey("ready"))
			Files.createFile(Path.of(opt.get("ready")));
		if (opt.containsKey("go"))
			while (!Files.exists(Path.of(opt.get("go"))))
				Thread.sleep(10);

		String[] topics = job.equals("strategy")
		    ? new String[] {opt.get("input"), opt.get("output")}
		    : new String[] {opt.get("left"), opt.get("right"), opt.get("output")};
		counters.in.reset();
		counters.out.reset();
		counters.rejected.reset();
		System.exit(run(build.apply(topics), config(opt, extra, opt.get("app-id")), counters));
	}

	private static void filter() throws IOException {
		java.io.BufferedReader in = new java.io.BufferedReader(
		    new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8));
		java.io.OutputStream out = new java.io.BufferedOutputStream(System.out, 1 << 16);
		String line;
		long bad = 0;
		while ((line = in.readLine()) != null) {
			byte[] r = Strategy.apply(line.getBytes(java.nio.charset.StandardCharsets.UTF_8));
			if (r == null) {
				bad++;
				continue;
			}
			out.write(r);
			out.write('\n');
		}
		out.flush();
		if (bad > 0) {
			System.err.println("kstreams-bench: " + bad + " bad lines dropped");
			System.exit(1);
		}
	}

	private static Properties config(Map<String, String> opt, Properties extra, String appId) {
		Properties p = new Properties();
		p.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
		p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, opt.get("brokers"));
		p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, opt.getOrDefault("guarantee", StreamsConfig.AT_LEAST_ONCE));
		if (opt.containsKey("threads"))
			p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, opt.get("threads"));
		if (opt.containsKey("state-dir"))
			p.put(StreamsConfig.STATE_DIR_CONFIG, opt.get("state-dir"));
		/*
		 * The join's records carry their event time into the repartition
		 * and changelog topics; the bench's latency phases use times years
		 * ahead, which Kafka 4 refuses by default (more than an hour ahead).
		 */
		p.put(StreamsConfig.topicPrefix(TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG),
		    String.valueOf(Long.MAX_VALUE));
		p.putAll(extra);
		return p;
	}

	private static void runWarmup(Topology t, Properties p, Counters counters, long target)
	    throws InterruptedException {
		KafkaStreams ks = new KafkaStreams(t, p);
		ks.start();
		long lastOut = -1, quietSince = System.nanoTime(), deadline = System.nanoTime() + 180_000_000_000L;
		while (System.nanoTime() < deadline) {
			Thread.sleep(100);
			long out = counters.out.sum();
			if (out != lastOut) {
				lastOut = out;
				quietSince = System.nanoTime();
			} else if (counters.in.sum() >= target && System.nanoTime() - quietSince > 1_000_000_000L)
				break;
			if (ks.state() == KafkaStreams.State.ERROR || ks.state() == KafkaStreams.State.NOT_RUNNING) {
				System.err.println("kstreams-bench: the warm-up failed");
				System.exit(1);
			}
		}
		ks.close(Duration.ofSeconds(60));
		System.err.println("kstreams-bench: warm-up done: " + counters);
	}

	private static int run(Topology t, Properties p, Counters counters) throws InterruptedException {
		KafkaStreams ks = new KafkaStreams(t, p);
		CountDownLatch done = new CountDownLatch(1);
		int[] status = {0};
		ks.setUncaughtExceptionHandler(e -> {
			System.err.println("kstreams-bench: " + e);
			status[0] = 1;
			return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
		});
		ks.setStateListener((now, before) -> {
			if (now == KafkaStreams.State.ERROR) {
				status[0] = 1;
				done.countDown();
			}
		});
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			ks.close(Duration.ofSeconds(60));
			System.err.println("kstreams-bench: closed: " + counters);
			done.countDown();
		}));
		ks.start();
		done.await();
		return status[0];
	}
}
