package dev.veil.testing;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Every result of an executed statement, in order: each result set as a reader makes it, each update count. */
public final class StatementResults {

    /** How one result set is read. */
    public interface Reader {
        Object read(ResultSet rs) throws SQLException;
    }

    private StatementResults() {
    }

    /**
     * Walks {@code st}'s results ({@code isResult}: what {@code execute} returned): a result set becomes
     * {@code reader}'s answer, an update count {@code "updated n"}, until there are no more.
     */
    public static List<Object> collect(Statement st, boolean isResult, Reader reader) throws SQLException {
        List<Object> out = new ArrayList<>();
        while (true) {
            if (isResult) {
                try (ResultSet rs = st.getResultSet()) {
                    out.add(reader.read(rs));
                }
            } else {
                int n = st.getUpdateCount();
                if (n == -1) {
                    break;
                }
                out.add("updated " + n);
            }
            isResult = st.getMoreResults();
        }
        return out;
    }
}
