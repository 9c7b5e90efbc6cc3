package dev.veil.spring;

import java.util.List;

/**
 * Start-up refused because Veil could not guarantee encryption: an {@code @Encrypted} field that Hibernate maps
 * to a column Veil does not encrypt, or a DataSource that bypasses Veil. Spring Boot's failure analysis prints the
 * {@link #problems()} and the {@link #action()}.
 */
public class VeilStartupException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;
    private final String action;

    public VeilStartupException(List<String> problems, String action) {
        super("Veil cannot guarantee encryption: " + String.join("; ", problems) + ". " + action);
        this.problems = List.copyOf(problems);
        this.action = action;
    }

    public List<String> problems() {
        return problems;
    }

    public String action() {
        return action;
    }
}
