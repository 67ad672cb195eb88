package org.easycv4j.core.runner;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** The hooks of a run in priority order (stable for equal priorities), called together. */
public final class Hooks {
    private final List<Hook> hooks;

    public Hooks(List<? extends Hook> hooks) {
        List<Hook> sorted = new ArrayList<>(hooks);
        sorted.sort(Comparator.comparingInt(Hook::priority));
        this.hooks = List.copyOf(sorted);
    }

    public List<Hook> list() {
        return hooks;
    }

    /** Gives every hook the run's services and connects their publishing methods to these hooks. */
    public void setUp(RunServices services, RunContext c) {
        services.connect(this, c);
        each(h -> h.setUp(services));
    }

    public void beforeRun(RunContext c) {
        each(h -> h.beforeRun(c));
    }

    public void afterRun(RunContext c) {
        each(h -> h.afterRun(c));
    }

    public void beforeEpoch(RunContext c) {
        each(h -> h.beforeEpoch(c));
    }

    public void afterEpoch(RunContext c) {
        each(h -> h.afterEpoch(c));
    }

    public void beforeIter(RunContext c) {
        each(h -> h.beforeIter(c));
    }

    public void afterIter(RunContext c) {
        each(h -> h.afterIter(c));
    }

    public void afterVal(RunContext c, Map<String, Double> metrics) {
        each(h -> h.afterVal(c, metrics));
    }

    public void afterLog(RunContext c, Map<String, Object> record) {
        each(h -> h.afterLog(c, record));
    }

    public void beforeStop(RunContext c) {
        each(h -> h.beforeStop(c));
    }

    private void each(Consumer<Hook> call) {
        for (Hook h : hooks) {
            call.accept(h);
        }
    }
}
