package dev.veil.driver;

import dev.veil.driver.jdbc.VeilConnection;
import dev.veil.driver.runtime.VeilRuntime;
import java.sql.Connection;
import java.sql.SQLException;

/** Test access to the runtime behind a Veil connection. */
final class VeilDataSourceAccess {

    private VeilDataSourceAccess() {
    }

    static VeilRuntime runtime(Connection veil) throws SQLException {
        return veil.unwrap(VeilConnection.class).runtime();
    }
}
