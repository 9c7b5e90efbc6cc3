package dev.veil.driver.sql;

/** What one statement reaches: whether it touches an encrypted column at all, and the first one, for messages. */
final class Reach {

    private boolean touched;
    private String first;
    private boolean schemaChange;

    void touch() {
        touched = true;
    }

    /** The statement reaches this encrypted column ({@code table.column}). */
    void touch(String qualified) {
        touched = true;
        if (first == null) {
            first = qualified;
        }
    }

    boolean touched() {
        return touched;
    }

    /** {@code table.column} of the first encrypted column reached, or null. */
    String first() {
        return first;
    }

    /** The statement changes the schema of an encrypted table or child (cached shapes must be re-read). */
    void schemaChange(boolean change) {
        schemaChange = change;
    }

    boolean schemaChange() {
        return schemaChange;
    }
}
