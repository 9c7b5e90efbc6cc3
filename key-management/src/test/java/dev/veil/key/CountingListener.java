package dev.veil.key;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/** Counts what a {@link KeyRing} reports. */
public final class CountingListener implements KeyRingListener {

    public final LongAdder hits = new LongAdder();
    public final LongAdder misses = new LongAdder();
    public final LongAdder loads = new LongAdder();
    public final LongAdder created = new LongAdder();
    public final LongAdder loadFailures = new LongAdder();
    public final LongAdder staleServes = new LongAdder();
    public final List<String> masterKeyCalls = new CopyOnWriteArrayList<>();

    @Override
    public void cacheHit(KeyScope scope) {
        hits.increment();
    }

    @Override
    public void cacheMiss(KeyScope scope) {
        misses.increment();
    }

    @Override
    public void keyLoaded(KeyScope scope, Duration duration, boolean wasCreated) {
        loads.increment();
        if (wasCreated) {
            created.increment();
        }
    }

    @Override
    public void keyLoadFailed(KeyScope scope, KeyException error) {
        loadFailures.increment();
    }

    @Override
    public void staleServed(KeyScope scope, Duration pastTimeToLive) {
        staleServes.increment();
    }

    @Override
    public void masterKeyCall(String masterKeyId, String operation, Duration duration, Outcome outcome) {
        masterKeyCalls.add(operation + ":" + outcome);
    }
}
