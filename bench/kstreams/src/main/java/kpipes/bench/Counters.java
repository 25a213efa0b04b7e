package kpipes.bench;

import java.util.concurrent.atomic.LongAdder;

/** Records seen by a topology: read, written, dropped as bad. */
final class Counters {
	final LongAdder in = new LongAdder();
	final LongAdder out = new LongAdder();
	final LongAdder rejected = new LongAdder();

	@Override
	public String toString() {
		return in.sum() + " in, " + out.sum() + " out, " + rejected.sum() + " bad";
	}
}
