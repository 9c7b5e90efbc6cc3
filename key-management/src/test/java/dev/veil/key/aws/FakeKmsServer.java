package dev.veil.key.aws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * A stand-in for AWS KMS for tests: the JDK HTTP server on 127.0.0.1 speaking the KMS JSON 1.1 protocol
 * ({@code X-Amz-Target: TrentService.Encrypt}, {@code Decrypt}, {@code GenerateDataKey}, {@code ReEncrypt},
 * {@code DescribeKey}). Each key is a real AES-256-GCM key; the encryption context (sorted) and the key ARN
 * are the associated data, so a wrong key or context really fails. Ciphertext blobs start with the key ARN.
 *
 * <p>Keys can be created, aliased, disabled and deleted; calls are counted per operation; faults can be
 * injected ({@link Fault}) for all calls or the next few, and {@link #stop()} / {@link #restart()} make the
 * port refuse connections and come back. Point a real {@code KmsClient} at {@link #endpoint()} with
 * {@link #options()} (region, endpoint, generous timeouts) or, in tests about timeouts, {@link #timeoutOptions()},
 * and {@link #useFakeCredentials()}; {@link #warmUp()} pays the SDK's cold start once per JVM.
 *
 * <p>Shipped in the key-management test-jar for other modules' tests.
 */
public final class FakeKmsServer implements AutoCloseable {

    public static final String REGION = "eu-west-1";
    public static final String ACCOUNT = "111122223333";

    /** What the endpoint does instead of answering normally. */
    public enum Fault {
        NONE,
        /** HTTP 500 {@code KMSInternalException} */
        INTERNAL_ERROR,
        /** HTTP 400 {@code ThrottlingException} */
        THROTTLING,
        /** holds the request without answering (until the fault is cleared or the server stops, at most 30 s) */
        HANG,
        /** HTTP 400 {@code AccessDeniedException} */
        ACCESS_DENIED
    }

    private enum State { ENABLED, DISABLED, DELETED }

    private record FakeKey(String arn, byte[] material, AtomicReference<State> state) { }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, FakeKey> keys = new ConcurrentHashMap<>();
    private final Map<String, String> aliases = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private volatile Fault fault = Fault.NONE;
    private final AtomicInteger faultBudget = new AtomicInteger(-1); // -1: until cleared
    private volatile CountDownLatch hangRelease = new CountDownLatch(1);
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-kms");
        t.setDaemon(true);
        return t;
    });
    private volatile HttpServer server;
    private final int port;

    private FakeKmsServer() throws IOException {
        server = bind(0);
        port = server.getAddress().getPort();
    }

    /** Starts on a free port of 127.0.0.1. */
    public static FakeKmsServer start() throws IOException {
        useFakeCredentials();
        return new FakeKmsServer();
    }

    /** Sets {@code aws.accessKeyId}/{@code aws.secretAccessKey} system properties (fake) unless already set. */
    public static void useFakeCredentials() {
        if (System.getProperty("aws.accessKeyId") == null) {
            System.setProperty("aws.accessKeyId", "AKIAFAKEFAKEFAKEFAKE");
            System.setProperty("aws.secretAccessKey", "fake-secret-for-tests-only");
        }
    }

    private HttpServer bind(int p) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), p), 64);
        s.createContext("/", this::handle);
        s.setExecutor(executor);
        s.start();
        return s;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    /**
     * Master-key options pointing at this server, for tests that do not test timeouts: region, endpoint and
     * generous timeouts (api-call 30 s, attempt 10 s, connect 5 s), 2 attempts. A busy machine (a cold AWS SDK,
     * class loading, a saturated CPU) then delays a call but never fails it. Copy and change as needed.
     */
    public Map<String, String> options() {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("region", REGION);
        o.put("endpoint", endpoint().toString());
        o.put("api-call-timeout", "PT30S");
        o.put("api-call-attempt-timeout", "PT10S");
        o.put("connect-timeout", "PT5S");
        o.put("max-attempts", "2");
        return o;
    }

    /**
     * Options for tests whose subject is a timeout ({@link Fault#HANG}): api-call timeout 1 s, attempt timeout
     * 400 ms, connect timeout 400 ms, 2 attempts. A hung request is answered only when the fault is cleared (or
     * after {@link #maxHang()}), so such a test proves that the <em>client's</em> timeout ended the call by the
     * error it gets (a timeout naming the configured bound) and bounds the wait generously below
     * {@link #maxHang()}, rather than racing the timeout against a tight wall-clock bound.
     */
    public Map<String, String> timeoutOptions() {
        Map<String, String> o = options();
        o.put("api-call-timeout", "PT1S");
        o.put("api-call-attempt-timeout", "PT0.4S");
        o.put("connect-timeout", "PT0.4S");
        return o;
    }

    /**
     * Pays the AWS SDK's one-time cost in this JVM (class loading, signer, HTTP stack) with one {@code Encrypt}
     * through a real {@code KmsClient} built with {@link #options()}, so that the first call of a test is not
     * its first call of the JVM. Not counted in {@link #calls(String)}.
     */
    public void warmUp() throws dev.veil.key.KeyException {
        String arn = createKey();
        try (AwsKmsMasterKey key = AwsKmsMasterKey.open(arn, AwsKmsOptions.parse(options()))) {
            key.wrap(new byte[32], dev.veil.key.KeyContext.of("warm-up",
                    dev.veil.key.KeyScope.encryption("public.warm_up", "*")));
        } finally {
            calls.computeIfAbsent("Encrypt", k -> new AtomicInteger()).decrementAndGet();
            deleteKey(arn);
        }
    }

    /** Creates an enabled key; returns its ARN. */
    public String createKey() {
        byte[] material = new byte[32];
        RANDOM.nextBytes(material);
        String arn = "arn:aws:kms:" + REGION + ":" + ACCOUNT + ":key/" + UUID.randomUUID();
        keys.put(arn, new FakeKey(arn, material, new AtomicReference<>(State.ENABLED)));
        return arn;
    }

    /** Points {@code alias/NAME} at a key; returns the alias ARN. */
    public String createAlias(String name, String keyArn) {
        String aliasArn = "arn:aws:kms:" + REGION + ":" + ACCOUNT + ":alias/" + name;
        aliases.put(aliasArn, keyArn);
        return aliasArn;
    }

    /** The {@code aws-kms://ARN} master-key URI of a key or alias. */
    public static String uri(String arn) {
        return "aws-kms://" + arn;
    }

    public void disableKey(String arn) {
        keys.get(arn).state().set(State.DISABLED);
    }

    public void enableKey(String arn) {
        keys.get(arn).state().set(State.ENABLED);
    }

    /** Deletes the key material for good: blobs under it never decrypt again. */
    public void deleteKey(String arn) {
        keys.get(arn).state().set(State.DELETED);
    }

    /** Requests received for {@code operation} ({@code Encrypt}, {@code Decrypt}, …), faulted ones included. */
    public int calls(String operation) {
        AtomicInteger n = calls.get(operation);
        return n == null ? 0 : n.get();
    }

    public int totalCalls() {
        return calls.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    public void resetCounts() {
        calls.clear();
    }

    /** Every request gets {@code f} until {@code fault(Fault.NONE)}. */
    public void fault(Fault f) {
        faultBudget.set(-1);
        setFault(f);
    }

    /** The next {@code n} requests get {@code f}, then normal service resumes. */
    public void failNext(Fault f, int n) {
        faultBudget.set(n);
        setFault(f);
    }

    private void setFault(Fault f) {
        Fault before = fault;
        fault = f;
        if (before == Fault.HANG && f != Fault.HANG) {
            hangRelease.countDown();
            hangRelease = new CountDownLatch(1);
        }
    }

    /** Closes the port: connections are refused until {@link #restart()}. */
    public synchronized void stop() {
        HttpServer s = server;
        if (s != null) {
            server = null;
            hangRelease.countDown();
            s.stop(0);
        }
    }

    /** Listens again on the same port. */
    public synchronized void restart() throws IOException {
        if (server == null) {
            hangRelease = new CountDownLatch(1);
            IOException last = null;
            for (int i = 0; i < 50; i++) {
                try {
                    server = bind(port);
                    return;
                } catch (IOException e) {
                    last = e;
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
            throw last;
        }
    }

    @Override
    public void close() {
        stop();
        executor.shutdownNow();
    }

    // ---------------------------------------------------------------- protocol

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            String op = target == null ? "?" : target.substring(target.indexOf('.') + 1);
            calls.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet();
            Fault f = takeFault();
            switch (f) {
                case HANG -> {
                    CountDownLatch latch = hangRelease;
                    try {
                        latch.await(maxHang().toSeconds(), TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    error(ex, 500, "KMSInternalException", "released after hang");
                    return;
                }
                case INTERNAL_ERROR -> {
                    error(ex, 500, "KMSInternalException", "injected internal error");
                    return;
                }
                case THROTTLING -> {
                    error(ex, 400, "ThrottlingException", "Rate exceeded");
                    return;
                }
                case ACCESS_DENIED -> {
                    error(ex, 400, "AccessDeniedException", "User: arn:aws:iam::" + ACCOUNT
                            + ":user/test is not authorized to perform: kms:" + op);
                    return;
                }
                default -> { }
            }
            JsonNode req = JsonNode.parser().parse(body);
            switch (op) {
                case "Encrypt" -> encrypt(ex, req);
                case "Decrypt" -> decrypt(ex, req);
                case "GenerateDataKey" -> generateDataKey(ex, req);
                case "ReEncrypt" -> reEncrypt(ex, req);
                case "DescribeKey" -> describeKey(ex, req);
                default -> error(ex, 400, "UnknownOperationException", "unsupported operation " + op);
            }
        } catch (IOException | RuntimeException e) {
            // client went away (timeout) or server stopping
        }
    }

    private Fault takeFault() {
        Fault f = fault;
        if (f == Fault.NONE) {
            return f;
        }
        int budget = faultBudget.get();
        if (budget < 0) {
            return f;
        }
        while (true) {
            int b = faultBudget.get();
            if (b <= 0) {
                return Fault.NONE;
            }
            if (faultBudget.compareAndSet(b, b - 1)) {
                if (b == 1) {
                    setFault(Fault.NONE);
                }
                return f;
            }
        }
    }

    private void encrypt(HttpExchange ex, JsonNode req) throws IOException {
        Optional<FakeKey> key = usableKey(ex, string(req, "KeyId"));
        if (key.isEmpty()) {
            return;
        }
        byte[] blob = seal(key.get(), b64(req, "Plaintext"), context(req, "EncryptionContext"));
        ok(ex, "{\"CiphertextBlob\":\"" + enc(blob) + "\",\"KeyId\":\"" + key.get().arn()
                + "\",\"EncryptionAlgorithm\":\"SYMMETRIC_DEFAULT\"}");
    }

    private void generateDataKey(HttpExchange ex, JsonNode req) throws IOException {
        Optional<FakeKey> key = usableKey(ex, string(req, "KeyId"));
        if (key.isEmpty()) {
            return;
        }
        String spec = string(req, "KeySpec");
        String n = string(req, "NumberOfBytes");
        byte[] plain = new byte["AES_128".equals(spec) ? 16 : n != null ? Integer.parseInt(n) : 32];
        RANDOM.nextBytes(plain);
        byte[] blob = seal(key.get(), plain, context(req, "EncryptionContext"));
        ok(ex, "{\"CiphertextBlob\":\"" + enc(blob) + "\",\"Plaintext\":\"" + enc(plain) + "\",\"KeyId\":\""
                + key.get().arn() + "\"}");
    }

    private void decrypt(HttpExchange ex, JsonNode req) throws IOException {
        byte[] plain = open(ex, b64(req, "CiphertextBlob"), context(req, "EncryptionContext"), string(req, "KeyId"));
        if (plain != null) {
            ok(ex, "{\"Plaintext\":\"" + enc(plain) + "\",\"KeyId\":\"" + blobKey(b64(req, "CiphertextBlob"))
                    + "\",\"EncryptionAlgorithm\":\"SYMMETRIC_DEFAULT\"}");
        }
    }

    private void reEncrypt(HttpExchange ex, JsonNode req) throws IOException {
        byte[] blob = b64(req, "CiphertextBlob");
        byte[] plain = open(ex, blob, context(req, "SourceEncryptionContext"), string(req, "SourceKeyId"));
        if (plain == null) {
            return;
        }
        Optional<FakeKey> dest = usableKey(ex, string(req, "DestinationKeyId"));
        if (dest.isEmpty()) {
            return;
        }
        byte[] out = seal(dest.get(), plain, context(req, "DestinationEncryptionContext"));
        ok(ex, "{\"CiphertextBlob\":\"" + enc(out) + "\",\"SourceKeyId\":\"" + blobKey(blob) + "\",\"KeyId\":\""
                + dest.get().arn() + "\"}");
    }

    private void describeKey(HttpExchange ex, JsonNode req) throws IOException {
        String arn = resolve(string(req, "KeyId"));
        FakeKey k = arn == null ? null : keys.get(arn);
        if (k == null || k.state().get() == State.DELETED) {
            error(ex, 400, "NotFoundException", "Key '" + string(req, "KeyId") + "' does not exist");
            return;
        }
        ok(ex, "{\"KeyMetadata\":{\"Arn\":\"" + k.arn() + "\",\"KeyId\":\"" + k.arn().substring(k.arn().indexOf('/') + 1)
                + "\",\"Enabled\":" + (k.state().get() == State.ENABLED) + ",\"KeyState\":\""
                + (k.state().get() == State.ENABLED ? "Enabled" : "Disabled") + "\"}}");
    }

    private Optional<FakeKey> usableKey(HttpExchange ex, String keyId) throws IOException {
        String arn = resolve(keyId);
        FakeKey k = arn == null ? null : keys.get(arn);
        if (k == null || k.state().get() == State.DELETED) {
            error(ex, 400, "NotFoundException", "Key '" + keyId + "' does not exist");
            return Optional.empty();
        }
        if (k.state().get() == State.DISABLED) {
            error(ex, 400, "DisabledException", k.arn() + " is disabled.");
            return Optional.empty();
        }
        return Optional.of(k);
    }

    private String resolve(String keyId) {
        if (keyId == null) {
            return null;
        }
        return aliases.getOrDefault(keyId, keyId);
    }

    private byte[] open(HttpExchange ex, byte[] blob, Map<String, String> context, String expectedKeyId)
            throws IOException {
        String arn = blobKey(blob);
        if (arn == null) {
            error(ex, 400, "InvalidCiphertextException", "");
            return null;
        }
        if (expectedKeyId != null && !arn.equals(resolve(expectedKeyId))) {
            error(ex, 400, "IncorrectKeyException", "The key ID in the request does not identify a KMS key that can "
                    + "perform this operation.");
            return null;
        }
        Optional<FakeKey> key = usableKey(ex, arn);
        if (key.isEmpty()) {
            return null;
        }
        try {
            ByteBuffer b = ByteBuffer.wrap(blob);
            byte[] a = new byte[Short.toUnsignedInt(b.getShort())];
            b.get(a);
            byte[] nonce = new byte[12];
            b.get(nonce);
            byte[] ct = new byte[b.remaining()];
            b.get(ct);
            return gcm(Cipher.DECRYPT_MODE, key.get(), nonce, ct, context);
        } catch (GeneralSecurityException | RuntimeException e) {
            error(ex, 400, "InvalidCiphertextException", "");
            return null;
        }
    }

    private static String blobKey(byte[] blob) {
        try {
            ByteBuffer b = ByteBuffer.wrap(blob);
            byte[] a = new byte[Short.toUnsignedInt(b.getShort())];
            b.get(a);
            return new String(a, StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static byte[] seal(FakeKey key, byte[] plain, Map<String, String> context) {
        try {
            byte[] nonce = new byte[12];
            RANDOM.nextBytes(nonce);
            byte[] ct = gcm(Cipher.ENCRYPT_MODE, key, nonce, plain, context);
            byte[] arn = key.arn().getBytes(StandardCharsets.UTF_8);
            return ByteBuffer.allocate(2 + arn.length + 12 + ct.length).putShort((short) arn.length).put(arn)
                    .put(nonce).put(ct).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] gcm(int mode, FakeKey key, byte[] nonce, byte[] in, Map<String, String> context)
            throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(mode, new SecretKeySpec(key.material(), "AES"), new GCMParameterSpec(128, nonce));
        c.updateAAD((key.arn() + "\n" + new TreeMap<>(context)).getBytes(StandardCharsets.UTF_8));
        return c.doFinal(in);
    }

    private static String string(JsonNode req, String field) {
        return req.field(field).filter(n -> n.isString()).map(JsonNode::asString).orElse(null);
    }

    private static byte[] b64(JsonNode req, String field) {
        String s = string(req, field);
        return s == null ? new byte[0] : Base64.getDecoder().decode(s);
    }

    private static Map<String, String> context(JsonNode req, String field) {
        Map<String, String> m = new TreeMap<>();
        req.field(field).filter(JsonNode::isObject).ifPresent(n -> n.asObject().forEach((k, v) -> m.put(k, v.asString())));
        return m;
    }

    private static String enc(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    private static void ok(HttpExchange ex, String json) throws IOException {
        send(ex, 200, json);
    }

    private static void error(HttpExchange ex, int status, String type, String message) throws IOException {
        ex.getResponseHeaders().add("x-amzn-ErrorType", type);
        send(ex, status, "{\"__type\":\"" + type + "\",\"message\":\"" + message.replace("\"", "'") + "\"}");
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        byte[] out = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
        ex.getResponseHeaders().add("x-amzn-RequestId", UUID.randomUUID().toString());
        ex.sendResponseHeaders(status, out.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(out);
        }
    }

    /** How long a hang is held at most. */
    public static Duration maxHang() {
        return Duration.ofSeconds(30);
    }
}
