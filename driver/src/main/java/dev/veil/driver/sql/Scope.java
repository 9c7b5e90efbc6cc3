package dev.veil.driver.sql;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The relations and CTEs one query level sees, inside those of the levels around it. */
final class Scope {

    final Scope parent;
    final List<Source> sources = new ArrayList<>();
    final Map<String, List<Out>> ctes = new HashMap<>();

    Scope(Scope parent) {
        this.parent = parent;
    }

    /** The outputs of the CTE of this name visible here, or null. */
    List<Out> cte(String name) {
        for (Scope s = this; s != null; s = s.parent) {
            List<Out> o = s.ctes.get(name);
            if (o != null) {
                return o;
            }
        }
        return null;
    }
}
