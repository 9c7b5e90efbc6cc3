package dev.veil.driver.fuzz;

import dev.veil.driver.fuzz.Draw.Ref;
import dev.veil.driver.fuzz.FuzzValues.Col;
import dev.veil.driver.fuzz.FuzzValues.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * INSERT (multi-row, upserts on a plain key and on the unique blind index, {@code RETURNING}, {@code INSERT … SELECT}),
 * UPDATE (values, NULL, same column, row assignments, computed values, {@code FROM}), DELETE ({@code USING}) and
 * MERGE over the fuzzer's schema.
 */
final class WriteGenerator {

    /**
     * A literal or {@code ?} in an {@code INSERT … SELECT … FROM} with several rows: Veil refuses it
     * ({@code SingleRow}: encrypted once, it would be stored in every row, and equal ciphertexts reveal equal
     * values; {@link Sides} would report REPEATED_CIPHERTEXT). Generated unless
     * {@code -Dveil.fuzz.known-repeated-literal=false}.
     */
    static final boolean LITERAL_OVER_SEVERAL_ROWS = Boolean.parseBoolean(
            System.getProperty("veil.fuzz.known-repeated-literal", "true"));

    private int nextId = 1000;

    /** A key no row has yet (or, sometimes, an existing one, for conflicts). */
    int freshId(Draw d) {
        return d.chance(10) ? d.between(1, FuzzSchema.PEOPLE) : nextId++;
    }

    Sql.Node write(Draw d) {
        int form = d.r.nextInt(100);
        if (form < 30) {
            return insertPeople(d);
        }
        if (form < 42) {
            return insertStaff(d);
        }
        if (form < 50) {
            return insertSelect(d);
        }
        if (form < 78) {
            return update(d);
        }
        if (form < 93) {
            return delete(d);
        }
        return merge(d);
    }

    Sql.Node insertPeople(Draw d) {
        List<Col> cols = new ArrayList<>();
        cols.add(FuzzValues.col("people", "id"));
        for (Col c : d.someColumns(QueryGenerator.P, 1, 6)) {
            if (!c.name().equals("id")) {
                cols.add(c);
            }
        }
        boolean hasLast = cols.stream().anyMatch(c -> c.name().equals("last_name"));
        boolean hasBirth = cols.stream().anyMatch(c -> c.name().equals("birth_date"));
        if (hasLast != hasBirth && d.chance(70)) {
            cols.add(FuzzValues.col("people", hasLast ? "birth_date" : "last_name"));
        } else if (hasLast != hasBirth) {
            d.tag("write of one column of a compound index");
        }
        List<List<Sql.Node>> rows = new ArrayList<>();
        int n = d.chance(75) ? 1 : d.between(2, 3);
        if (n > 1) {
            d.tag("multi-row VALUES");
        }
        for (int i = 0; i < n; i++) {
            List<Sql.Node> row = new ArrayList<>();
            row.add(d.values.node(freshId(d), Kind.INT, d.params, d.constructs));
            for (int k = 1; k < cols.size(); k++) {
                row.add(d.value(cols.get(k)));
            }
            rows.add(row);
        }
        List<String> names = cols.stream().map(Col::name).toList();
        Sql.Node conflict = Sql.EMPTY;
        if (d.chance(30)) {
            if (d.chance(25) || names.size() == 1) {
                d.tag("ON CONFLICT (id) DO NOTHING");
                conflict = Sql.opt(Sql.text(" ON CONFLICT (id) DO NOTHING"));
            } else {
                d.tag("ON CONFLICT (id) DO UPDATE SET col = EXCLUDED.col");
                List<Sql.Node> sets = new ArrayList<>();
                for (String c : names.subList(1, names.size())) {
                    sets.add(Sql.text(c + " = EXCLUDED." + c));
                }
                if (d.chance(30)) {
                    d.tag("ON CONFLICT DO UPDATE SET col = v");
                    d.tag(Sides.UPDATES_ENCRYPTED);
                    sets.add(Sql.seq("note = ", d.value(FuzzValues.col("people", "note"))));
                }
                conflict = Sql.opt(Sql.seq(" ON CONFLICT (id) DO UPDATE SET ", Sql.items(", ", 1, sets)));
            }
        }
        return Sql.seq("INSERT INTO people ", new Sql.Values(names, rows, 1), conflict, returningOrKeys(d,
                QueryGenerator.P));
    }

    Sql.Node insertStaff(Draw d) {
        List<String> names = List.of("id", "person_id", "title", "mail", "secret");
        List<List<Sql.Node>> rows = new ArrayList<>();
        int n = d.chance(80) ? 1 : 2;
        for (int i = 0; i < n; i++) {
            List<Sql.Node> row = new ArrayList<>();
            row.add(d.values.node(d.chance(10) ? d.between(1, FuzzSchema.STAFF) : nextId++, Kind.INT, d.params,
                    d.constructs));
            for (String c : names.subList(1, names.size())) {
                row.add(d.value(FuzzValues.col("staff", c)));
            }
            rows.add(row);
        }
        Sql.Node conflict = Sql.EMPTY;
        if (d.chance(40)) {
            if (d.chance(50)) {
                d.tag("ON CONFLICT (indexed col) DO UPDATE");
                conflict = Sql.opt(Sql.seq(" ON CONFLICT (mail) DO UPDATE SET ", Sql.items(", ", 1,
                        List.of(Sql.text("secret = EXCLUDED.secret"), Sql.text("title = EXCLUDED.title")))));
            } else {
                d.tag("ON CONFLICT (indexed col) DO NOTHING");
                conflict = Sql.opt(Sql.text(" ON CONFLICT (mail) DO NOTHING"));
            }
        }
        return Sql.seq("INSERT INTO staff ", new Sql.Values(names, rows, 1), conflict, returningOrKeys(d,
                QueryGenerator.S));
    }

    Sql.Node insertSelect(Draw d) {
        int form = d.r.nextInt(LITERAL_OVER_SEVERAL_ROWS ? 4 : 3);
        switch (form) {
            case 0 -> {
                d.tag(Sides.COPIES_CIPHERTEXT);
                return Sql.seq("INSERT INTO people (id, grp, note, score) SELECT p.id + " + (nextId += 100)
                        + ", p.grp, p.note, p.score FROM people p", QueryGenerator.where(d, List.of(QueryGenerator.P)));
            }
            case 1 -> {
                d.tag("INSERT … SELECT copying an indexed column");
                return Sql.seq("INSERT INTO people (id, email) SELECT p.id + " + (nextId += 100)
                        + ", p.email FROM people p", QueryGenerator.where(d, List.of(QueryGenerator.P)));
            }
            case 2 -> {
                d.tag("INSERT … SELECT of values without FROM");
                return Sql.seq("INSERT INTO people (id, note, email) SELECT ", d.values.node(nextId++, Kind.INT,
                        d.params, d.constructs), ", ", d.value(FuzzValues.col("people", "note")), ", ",
                        d.value(FuzzValues.col("people", "email")));
            }
            default -> {
                d.tag("INSERT … SELECT of a value over several rows");
                int base = nextId;
                nextId += 10;
                return d.chance(50) ? Sql.seq("INSERT INTO people (id, note) SELECT " + base + " + g, ",
                        d.nonNull(FuzzValues.col("people", "note")), " FROM generate_series(1, 3) g")
                        : Sql.seq("INSERT INTO people (id, note) SELECT p.id + " + base + ", ",
                                d.nonNull(FuzzValues.col("people", "note")), " FROM people p WHERE p.grp = 1");
            }
        }
    }

    Sql.Node update(Draw d) {
        boolean people = d.chance(75);
        Ref ref = people ? QueryGenerator.P : QueryGenerator.S;
        List<Sql.Node> sets = new ArrayList<>();
        for (Col c : d.someColumns(ref, 1, 3)) {
            if (c.name().equals("id")) {
                continue;
            }
            sets.add(assignment(d, c));
        }
        if (people && d.chance(15)) {
            d.tag("UPDATE SET compound columns together");
            d.tag(Sides.UPDATES_ENCRYPTED);
            sets.add(Sql.seq("last_name = ", d.value(FuzzValues.col("people", "last_name")), ", birth_date = ",
                    d.value(FuzzValues.col("people", "birth_date"))));
        }
        if (d.chance(8)) {
            d.tag("UPDATE SET (a, b) = (v, w)");
            d.tag(Sides.UPDATES_ENCRYPTED);
            sets.add(people ? Sql.seq("(note, grp) = (", d.value(FuzzValues.col("people", "note")), ", ",
                    d.value(FuzzValues.col("people", "grp")), ")") : Sql.seq("(secret, title) = (",
                    d.value(FuzzValues.col("staff", "secret")), ", ", d.value(FuzzValues.col("staff", "title")), ")"));
        }
        if (sets.isEmpty()) {
            sets.add(assignment(d, people ? FuzzValues.col("people", "note") : FuzzValues.col("staff", "secret")));
        }
        String target = people ? "UPDATE people p SET " : "UPDATE staff s SET ";
        if (people && d.chance(10)) {
            d.tag("UPDATE … FROM");
            return Sql.seq(target, Sql.items(", ", 1, sets), " FROM staff s WHERE s.person_id = p.id",
                    Sql.opt(Sql.seq(" AND ", PredicateGenerator.where(d, List.of(QueryGenerator.P, QueryGenerator.S),
                            1))), returning(d, ref));
        }
        return Sql.seq(target, Sql.items(", ", 1, sets), selective(d, ref), returning(d, ref));
    }

    private Sql.Node assignment(Draw d, Col c) {
        if (c.encrypted()) {
            d.tag(Sides.UPDATES_ENCRYPTED);
        }
        int form = d.r.nextInt(100);
        if (form < 70 || !c.encrypted()) {
            d.tag("UPDATE SET col = v [" + c.search().label + "]");
            return Sql.seq(c.name() + " = ", d.value(c));
        }
        if (form < 78) {
            d.tag("UPDATE SET col = NULL");
            return Sql.text(c.name() + " = NULL");
        }
        if (form < 85) {
            d.tag("UPDATE SET col = col");
            return Sql.text(c.name() + " = " + c.name());
        }
        if (form < 92 && c.kind() == Kind.TEXT) {
            d.tag("UPDATE SET col = v || literal");
            return Sql.seq(c.name() + " = ", d.nonNull(c), " || '!'");
        }
        if (c.kind() == Kind.TEXT) {
            d.tag("UPDATE SET col = lower(v)");
            return Sql.seq(c.name() + " = lower(", d.nonNull(c), ")");
        }
        d.tag("UPDATE SET col = col + 1");
        return Sql.text(c.name() + " = " + c.name() + " + 1");
    }

    Sql.Node delete(Draw d) {
        if (d.chance(15)) {
            d.tag("DELETE … USING");
            return Sql.seq("DELETE FROM staff s USING people p WHERE p.id = s.person_id AND ",
                    PredicateGenerator.where(d, List.of(QueryGenerator.P), 1), returning(d, QueryGenerator.S));
        }
        Ref ref = d.chance(70) ? QueryGenerator.P : QueryGenerator.S;
        return Sql.seq("DELETE FROM " + ref.table() + " " + ref.alias(), selective(d, ref), returning(d, ref));
    }

    Sql.Node merge(Draw d) {
        d.tag("MERGE");
        Sql.Node id = d.values.node(d.chance(50) ? d.between(1, FuzzSchema.PEOPLE) : nextId++, Kind.INT, d.params,
                d.constructs);
        Col note = FuzzValues.col("people", "note");
        Col score = FuzzValues.col("people", "score");
        return Sql.seq("MERGE INTO people p USING (SELECT ", id, "::int AS id) src ON p.id = src.id WHEN MATCHED "
                + "THEN UPDATE SET note = ", d.value(note), ", score = ", d.value(score), " WHEN NOT MATCHED THEN INSERT "
                + "(id, note, score) VALUES (src.id, ", d.value(note), ", ", d.value(score), ")");
    }

    /** A WHERE for UPDATE/DELETE that mostly pins a few rows, so tables keep their contents through an episode. */
    private static Sql.Node selective(Draw d, Ref ref) {
        Sql.Node pred = PredicateGenerator.where(d, List.of(ref), 1);
        if (d.chance(60)) {
            Sql.Node key = Sql.seq(ref.q("id") + " = ", d.values.node(d.values.value(FuzzValues.col(ref.table(), "id")),
                    Kind.INT, d.params, d.constructs));
            pred = Sql.bool("AND", List.of(key, pred));
        }
        return Sql.seq(" WHERE ", pred);
    }

    /** An INSERT's {@code RETURNING}, or (sometimes, without one) its generated keys asked for through JDBC. */
    private static Sql.Node returningOrKeys(Draw d, Ref ref) {
        Sql.Node returning = returning(d, ref);
        if (returning == Sql.EMPTY && d.chance(15)) {
            d.tag(Executor.GENERATED_KEYS);
        }
        return returning;
    }

    private static Sql.Node returning(Draw d, Ref ref) {
        if (!d.chance(20)) {
            return Sql.EMPTY;
        }
        d.tag("RETURNING");
        List<Sql.Node> cols = new ArrayList<>();
        for (Col c : d.someColumns(ref, 1, 4)) {
            cols.add(Sql.text(c.name()));
        }
        return Sql.opt(Sql.seq(" RETURNING ", d.chance(15) ? Sql.text("*") : Sql.items(", ", 1, cols)));
    }
}
