package dev.veil.driver.sql;

import dev.veil.driver.error.VeilSqlState;
import java.sql.SQLException;

/** Why a statement must not run: a state and a message that names column, construct and fix — never values. */
record Refusal(VeilSqlState state, String message) {

    SQLException toException() {
        return state.exception(message);
    }

    /** Thrown inside the analysis to abandon it; carries the refusal. */
    static final class Signal extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Refusal refusal;
        final boolean cacheable;

        Signal(Refusal refusal, boolean cacheable) {
            super(refusal.message(), null, false, false);
            this.refusal = refusal;
            this.cacheable = cacheable;
        }
    }
}
