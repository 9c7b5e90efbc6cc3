package dev.veil.driver.sql;

import java.sql.SQLException;

/** Carries a catalog failure out of the analysis as what it is (not a refusal). */
final class CatalogFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CatalogFailure(SQLException cause) {
        super(cause);
    }

    SQLException sqlException() {
        return (SQLException) getCause();
    }
}
