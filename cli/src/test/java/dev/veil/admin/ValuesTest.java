package dev.veil.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The key version read from envelope headers without keys, text and bytea, against a base64 decoder. */
class ValuesTest {

    @Test
    void keyVersionOfTextAndBytesEnvelopesIsTheTinkKeyId() {
        Random random = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            byte[] ct = new byte[5 + 1 + random.nextInt(60)];
            random.nextBytes(ct);
            long id = ((ct[1] & 0xffL) << 24) | ((ct[2] & 0xffL) << 16) | ((ct[3] & 0xffL) << 8) | (ct[4] & 0xffL);
            String text = "veil1:" + Base64.getEncoder().withoutPadding().encodeToString(ct);
            byte[] bytes = new byte[ct.length + 2];
            bytes[0] = 'V';
            bytes[1] = 1;
            System.arraycopy(ct, 0, bytes, 2, ct.length);
            assertThat(Values.keyVersion(text)).isEqualTo(id);
            assertThat(Values.keyVersion(bytes)).isEqualTo(id);
        }
    }

    @Test
    void keyVersionOfWhatIsNoEnvelopeIsMinusOne() {
        for (Object v : new Object[] {null, "ana@example.com", "veil1:", "veil1:AUitVFX", "veil1:AUitVF=e+DD",
                "veil1:AUi-VFXe", "veil1:AU tVFXe", "veil1:AUitVFXé", new byte[] {'V', 1, 1, 2, 3, 4},
                new byte[] {'W', 1, 1, 2, 3, 4, 5}, new byte[0], 42}) {
            assertThat(Values.keyVersion(v)).as(String.valueOf(v)).isEqualTo(-1);
        }
    }
}
