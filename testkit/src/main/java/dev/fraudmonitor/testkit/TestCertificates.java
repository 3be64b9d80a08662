package dev.fraudmonitor.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for 127.0.0.1 and localhost, made with the JDK's {@code keytool}: as a
 * PKCS12 keystore (for Java servers and clients) and as PEM certificate and key files (for
 * redis-server). The certificate doubles as its own CA, so it is also the clients' truststore.
 *
 * @param keystore PKCS12 with the key and certificate, password {@link #PASSWORD}
 * @param certificatePem the certificate (trust it to trust the server)
 * @param privateKeyPem the unencrypted PKCS#8 private key
 */
public record TestCertificates(Path keystore, Path certificatePem, Path privateKeyPem) {
    public static final String PASSWORD = "test-store-pass";

    /** Creates the files in {@code dir}. */
    public static TestCertificates create(Path dir) {
        try {
            Files.createDirectories(dir);
            Path p12 = dir.resolve("server.p12");
            Files.deleteIfExists(p12);
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            Process p =
                    new ProcessBuilder(
                                    List.of(
                                            keytool.toString(),
                                            "-genkeypair",
                                            "-alias",
                                            "server",
                                            "-keyalg",
                                            "RSA",
                                            "-keysize",
                                            "2048",
                                            "-validity",
                                            "2",
                                            "-dname",
                                            "CN=localhost",
                                            "-ext",
                                            "SAN=ip:127.0.0.1,dns:localhost",
                                            "-ext",
                                            "BC:c=ca:true",
                                            "-storetype",
                                            "PKCS12",
                                            "-keystore",
                                            p12.toString(),
                                            "-storepass",
                                            PASSWORD))
                            .redirectErrorStream(true)
                            .start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(p12)) {
                ks.load(in, PASSWORD.toCharArray());
            }
            Key key = ks.getKey("server", PASSWORD.toCharArray());
            Path cert = dir.resolve("server-cert.pem");
            Path keyPem = dir.resolve("server-key.pem");
            Files.writeString(cert, pem("CERTIFICATE", ks.getCertificate("server").getEncoded()));
            Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded()));
            return new TestCertificates(p12, cert, keyPem);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot create test certificates in " + dir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN "
                + type
                + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END "
                + type
                + "-----\n";
    }
}
