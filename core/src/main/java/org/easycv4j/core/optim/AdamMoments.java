package org.easycv4j.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.easycv4j.core.model.LayerIds;
import org.easycv4j.core.model.NamedParameter;

/**
 * The per-parameter state of Adam-family optimizers (AdamW, Lamb): the parameters that get gradients, each with
 * its param group and its first and second moments, saved as {@code exp_avg.NAME} / {@code exp_avg_sq.NAME}.
 */
final class AdamMoments {
    final List<NamedParameter> params = new ArrayList<>();
    final List<ParamGroups.Assignment> assignments = new ArrayList<>();
    final List<NDArray> expAvg = new ArrayList<>();
    final List<NDArray> expAvgSq = new ArrayList<>();

    /** Takes every parameter of {@code parameters} that requires a gradient, with zero moments in {@code manager}. */
    void init(List<NamedParameter> parameters, ParamGroups groups, LayerIds layers, NDManager manager) {
        for (NamedParameter p : parameters) {
            if (!p.parameter().requiresGradient()) {
                continue;
            }
            NDArray w = p.parameter().getArray();
            params.add(p);
            assignments.add(groups.assign(p.name(), w.getShape(), layers));
            expAvg.add(manager.zeros(w.getShape(), w.getDataType(), w.getDevice()));
            expAvgSq.add(manager.zeros(w.getShape(), w.getDataType(), w.getDevice()));
        }
    }

    /** The moments by name, both of each parameter together. */
    Map<String, NDArray> state() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            out.put("exp_avg." + params.get(i).name(), expAvg.get(i));
            out.put("exp_avg_sq." + params.get(i).name(), expAvgSq.get(i));
        }
        return out;
    }
}
