package dev.veil.spring;

import dev.veil.annotation.Encrypted;
import dev.veil.driver.config.VeilConfig;
import dev.veil.driver.schema.ConfiguredIndex;
import dev.veil.driver.schema.Identifiers;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.hibernate.boot.Metadata;
import org.hibernate.boot.spi.BootstrapContext;
import org.hibernate.boot.spi.MetadataBuildingContext;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.integrator.spi.Integrator;
import org.hibernate.mapping.BasicValue;
import org.hibernate.mapping.Column;
import org.hibernate.mapping.Component;
import org.hibernate.mapping.Index;
import org.hibernate.mapping.PersistentClass;
import org.hibernate.mapping.Property;
import org.hibernate.mapping.SimpleValue;
import org.hibernate.mapping.Table;
import org.hibernate.mapping.UniqueKey;
import org.hibernate.mapping.Value;
import org.hibernate.service.spi.SessionFactoryServiceRegistry;

/**
 * Runs inside Hibernate's start-up, after the boot model is complete (physical names resolved by the naming
 * strategies) and before schema management ({@code ddl-auto}):
 * <ul>
 *   <li>every column that Veil encrypts gets the SQL type {@code bytea} in Hibernate's DDL, unless the mapping
 *       declares one ({@code @Column(columnDefinition = …)}) — so {@code ddl-auto=create|update} creates columns that
 *       can hold ciphertext instead of {@code varchar(255)} or {@code integer};</li>
 *   <li>every blind index of a mapped table gets its companion column ({@code bytea}, nullable) and a b-tree
 *       index {@code <table>_<companion>_idx} added to Hibernate's table model, so {@code ddl-auto=create|update}
 *       and generated schema scripts contain them. Hibernate never reads or writes that column (no property maps
 *       it); Veil fills it. The index is unique when the (single) source column is unique in the mapping
 *       ({@code @Column(unique = true)} or a one-column unique constraint) and the index is exact;</li>
 *   <li>every {@code @Encrypted} field must land on a column Veil encrypts. A physical naming strategy, quoting
 *       or an entity outside the scanned packages could otherwise send a value to a column Veil does not know,
 *       in plaintext; start-up then fails with a {@link VeilStartupException} naming field and column.</li>
 * </ul>
 * Only the DDL type changes: Hibernate still binds the field's own Java type, which Veil encrypts.
 */
final class VeilHibernateIntegrator implements Integrator {

    private final VeilConfig config;

    VeilHibernateIntegrator(VeilConfig config) {
        this.config = config;
    }

    @Override
    public void integrate(Metadata metadata, BootstrapContext bootstrapContext, SessionFactoryImplementor sessionFactory) {
        for (Table table : metadata.collectTableMappings()) {
            for (Column column : table.getColumns()) {
                if (encrypts(table, column) && column.getSqlType() == null) {
                    column.setSqlType("bytea");
                }
            }
            addBlindIndexes(table);
        }
        Set<String> problems = new LinkedHashSet<>();
        for (PersistentClass entity : metadata.getEntityBindings()) {
            if (entity.getClassName() == null) {
                continue; // dynamic-map entity: no fields to read
            }
            Class<?> type = entity.getMappedClass();
            List<Property> properties = new ArrayList<>(entity.getPropertyClosure());
            for (Property p : properties) {
                check(type, p, p.getValue(), problems);
            }
        }
        if (!problems.isEmpty()) {
            throw new VeilStartupException(new ArrayList<>(problems), "Veil encrypts the columns it is configured "
                    + "with (snake_case names or explicit @Table/@Column names, as PostgreSQL folds them). Write "
                    + "explicit names in their final form (e.g. @Table(name = \"patient_records\")), declare the "
                    + "physical columns in veil.config, or add the entity's package to veil.entity-packages. A "
                    + "custom spring.jpa.hibernate.naming.physical-strategy that renames columns is not applied "
                    + "to @Encrypted fields.");
        }
    }

    /** Adds each configured blind index's companion column and its index to a mapped table. */
    private void addBlindIndexes(Table table) {
        String schema = table.getSchema() == null ? null : canonical(table.getSchema(), table.isSchemaQuoted());
        List<ConfiguredIndex> indexes = config.indexesOf(schema, canonical(table.getName(), table.isQuoted()));
        for (ConfiguredIndex index : indexes) {
            Column companion = new Column(Identifiers.quoteIfNeeded(index.name()));
            Column existing = table.getColumn(companion);
            if (existing != null) {
                companion = existing; // mapped by the application itself: only make sure of the DDL type
                if (companion.getSqlType() == null) {
                    companion.setSqlType("bytea");
                }
            } else {
                MetadataBuildingContext context = buildingContext(table);
                if (context == null) {
                    continue; // no mapped column to learn the building context from; the schema validator reports it
                }
                companion.setSqlType("bytea");
                companion.setSqlTypeCode(Types.VARBINARY);
                companion.setNullable(true);
                // Hibernate reads a type from every table column (column ordering, sizes): byte[] as VARBINARY.
                // No property uses this value, so Hibernate never reads or writes the column; Veil does.
                BasicValue value = new BasicValue(context, table);
                value.setTypeName("binary");
                value.addColumn(companion);
                value.resolve();
                table.addColumn(companion);
            }
            if (!indexed(table, companion)) {
                Index ddl = table.getOrCreateIndex(indexName(canonical(table.getName(), table.isQuoted()), index.name()));
                ddl.addColumn(companion);
                ddl.setUnique(index.definition().exact() && index.columns().size() == 1
                        && unique(table, index.columns().get(0)));
            }
        }
    }

    /** The building context of the table's mapped columns, for a value of our own. */
    private static MetadataBuildingContext buildingContext(Table table) {
        for (Column c : table.getColumns()) {
            if (c.getValue() instanceof SimpleValue value) {
                return value.getBuildingContext();
            }
        }
        return null;
    }

    /** {@code <table>_<companion>_idx}, the name the schema validator's DDL uses too. */
    static String indexName(String table, String companion) {
        return table + "_" + companion + "_idx";
    }

    /** Whether the mapping already has an index or unique key starting with this column. */
    private static boolean indexed(Table table, Column column) {
        for (Index i : table.getIndexes().values()) {
            if (!i.getColumns().isEmpty() && i.getColumns().get(0).equals(column)) {
                return true;
            }
        }
        for (UniqueKey k : table.getUniqueKeys().values()) {
            if (!k.getColumns().isEmpty() && k.getColumns().get(0).equals(column)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a source column is declared unique on its own ({@code @Column(unique = true)} or a unique key). */
    private static boolean unique(Table table, String canonicalColumn) {
        for (Column c : table.getColumns()) {
            if (canonical(c.getName(), c.isQuoted()).equals(canonicalColumn)) {
                if (c.isUnique()) {
                    return true;
                }
                for (UniqueKey k : table.getUniqueKeys().values()) {
                    if (k.getColumns().size() == 1 && k.getColumns().get(0).equals(c)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private void check(Class<?> owner, Property property, Value value, Set<String> problems) {
        if (value instanceof Component component) {
            Class<?> embeddable = component.getComponentClass();
            for (Property p : component.getProperties()) {
                check(embeddable, p, p.getValue(), problems);
            }
            return;
        }
        AnnotatedElement member = member(owner, property.getName());
        if (member == null || !member.isAnnotationPresent(Encrypted.class)) {
            return;
        }
        Table table = value.getTable();
        for (Column column : value.getColumns()) {
            if (!encrypts(table, column)) {
                problems.add("@Encrypted " + owner.getName() + "." + property.getName() + " is mapped by Hibernate to "
                        + render(table) + "." + render(column.getName(), column.isQuoted())
                        + ", which Veil does not encrypt (Veil encrypts: " + encryptedColumnsOf(table) + ")");
            }
        }
    }

    private boolean encrypts(Table table, Column column) {
        if (table == null) {
            return false;
        }
        String schema = table.getSchema() == null ? null : canonical(table.getSchema(), table.isSchemaQuoted());
        return config.columnsOf(schema, canonical(table.getName(), table.isQuoted()))
                .containsKey(canonical(column.getName(), column.isQuoted()));
    }

    private String encryptedColumnsOf(Table table) {
        List<String> names = config.columns().stream().map(c -> c.qualified()).toList();
        return names.isEmpty() ? "nothing" : String.join(", ", names);
    }

    private static String canonical(String name, boolean quoted) {
        return quoted ? name : name.toLowerCase(Locale.ROOT);
    }

    private static String render(Table table) {
        String name = render(table.getName(), table.isQuoted());
        return table.getSchema() == null ? name : render(table.getSchema(), table.isSchemaQuoted()) + "." + name;
    }

    private static String render(String name, boolean quoted) {
        return Identifiers.quoteIfNeeded(canonical(name, quoted));
    }

    /** The field, or else the getter, named after the property, searched up the class hierarchy. */
    private static AnnotatedElement member(Class<?> type, String property) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (f.getName().equals(property)) {
                    return f;
                }
            }
        }
        String suffix = Character.toUpperCase(property.charAt(0)) + property.substring(1);
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (m.getParameterCount() == 0 && (m.getName().equals("get" + suffix) || m.getName().equals("is" + suffix))) {
                    return m;
                }
            }
        }
        return null;
    }

    @Override
    public void disintegrate(SessionFactoryImplementor sessionFactory, SessionFactoryServiceRegistry serviceRegistry) {
        // nothing to release
    }
}
