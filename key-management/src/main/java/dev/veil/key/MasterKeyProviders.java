package dev.veil.key;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;

/** Finds providers with {@link ServiceLoader}: first this module's class loader, then the thread's. */
final class MasterKeyProviders {

    private MasterKeyProviders() {
    }

    static MasterKey open(String uri, Map<String, String> options) throws KeyException {
        if (uri == null || uri.isBlank()) {
            throw new KeyException("masterKey is missing: set it to local-keyset:PATH (development) or "
                    + "aws-kms://arn:aws:kms:REGION:ACCOUNT:key/ID");
        }
        int colon = uri.indexOf(':');
        if (colon <= 0) {
            throw new KeyException("masterKey '" + safe(uri) + "' has no scheme: use local-keyset:PATH or "
                    + "aws-kms://arn:aws:kms:REGION:ACCOUNT:key/ID");
        }
        String scheme = uri.substring(0, colon);
        List<MasterKeyProvider> providers = providers();
        for (MasterKeyProvider p : providers) {
            if (p.scheme().equalsIgnoreCase(scheme)) {
                Map<String, String> opts = options == null ? Map.of() : options;
                for (String name : opts.keySet()) {
                    if (!p.options().contains(name)) {
                        throw new KeyException("masterKeyOptions: option '" + name + "' is not known to the "
                                + p.scheme() + " master key; known options: " + new TreeSet<>(p.options()));
                    }
                }
                return p.open(uri, opts);
            }
        }
        TreeSet<String> known = new TreeSet<>();
        providers.forEach(p -> known.add(p.scheme()));
        throw new KeyException("masterKey scheme '" + safe(scheme) + "' has no provider; available: " + known
                + " (add a MasterKeyProvider to the class path via META-INF/services for other kinds)");
    }

    private static List<MasterKeyProvider> providers() {
        List<MasterKeyProvider> all = new ArrayList<>();
        ServiceLoader.load(MasterKeyProvider.class, MasterKeyProvider.class.getClassLoader()).forEach(all::add);
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context != null && context != MasterKeyProvider.class.getClassLoader()) {
            for (MasterKeyProvider p : ServiceLoader.load(MasterKeyProvider.class, context)) {
                if (all.stream().noneMatch(q -> q.getClass() == p.getClass())) {
                    all.add(p);
                }
            }
        }
        return all;
    }

    /** Cuts anything that could carry credentials out of a URI quoted in a message. */
    static String safe(String s) {
        String t = s.replaceAll("//[^/@]*@", "//");
        int q = t.indexOf('?');
        if (q >= 0) {
            t = t.substring(0, q);
        }
        return t.length() > 200 ? t.substring(0, 200) + "…" : t;
    }
}
