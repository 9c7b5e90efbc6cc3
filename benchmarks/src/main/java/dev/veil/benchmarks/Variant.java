package dev.veil.benchmarks;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

/** Which driver a benchmark measures; chosen by the {@code variant} JMH parameter ({@code plain} or {@code veil}). */
enum Variant {

    /** pgjdbc directly, on {@link PatientsSchema#PLAIN_TABLE}. */
    PLAIN(PatientsSchema.PLAIN_TABLE) {
        @Override
        Connection connect(BenchmarkDatabase db) throws SQLException {
            return db.plain();
        }
    },

    /** Through Veil ({@code jdbc:veil:postgresql://}), on the encrypted {@link PatientsSchema#VEIL_TABLE}. */
    VEIL(PatientsSchema.VEIL_TABLE) {
        @Override
        Connection connect(BenchmarkDatabase db) throws SQLException {
            return db.veil();
        }
    };

    private final String patientsTable;

    Variant(String patientsTable) {
        this.patientsTable = patientsTable;
    }

    /** The patients table this variant reads and writes. */
    String patientsTable() {
        return patientsTable;
    }

    abstract Connection connect(BenchmarkDatabase db) throws SQLException;

    static Variant of(String param) {
        return valueOf(param.toUpperCase(Locale.ROOT));
    }
}
