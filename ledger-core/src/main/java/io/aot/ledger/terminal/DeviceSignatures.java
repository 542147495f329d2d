package io.aot.ledger.terminal;

import io.aot.avro.SignatureAlgorithm;
import java.math.BigInteger;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;

/**
 * Verifies a device signature with BouncyCastle (the JDK's P-256 verify costs ~1.1 ms here, BouncyCastle's Ed25519
 * ~86 us). Ed25519: 32-byte public key, 64-byte signature. ECDSA P-256 with SHA-256, as Android Keystore makes: the
 * public key as an uncompressed or compressed SEC1 point, the signature DER-encoded. Any malformed key or signature is
 * simply "not valid", never an exception.
 */
public final class DeviceSignatures {

    private static final X9ECParameters P256 = ECNamedCurveTable.getByName("secp256r1");
    private static final ECDomainParameters P256_DOMAIN = new ECDomainParameters(P256.getCurve(), P256.getG(),
            P256.getN(), P256.getH());

    private DeviceSignatures() {
    }

    public static boolean verify(SignatureAlgorithm algorithm, byte[] publicKey, byte[] message, byte[] signature) {
        try {
            return switch (algorithm) {
                case ED25519 -> ed25519(publicKey, message, signature);
                case ECDSA_P256_SHA256 -> p256(publicKey, message, signature);
            };
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean ed25519(byte[] publicKey, byte[] message, byte[] signature) {
        if (publicKey.length != 32 || signature.length != 64) {
            return false;
        }
        Ed25519Signer v = new Ed25519Signer();
        v.init(false, new Ed25519PublicKeyParameters(publicKey, 0));
        v.update(message, 0, message.length);
        return v.verifySignature(signature);
    }

    private static boolean p256(byte[] publicKey, byte[] message, byte[] signature) {
        ASN1Sequence seq = ASN1Sequence.getInstance(signature);
        if (seq.size() != 2) {
            return false;
        }
        BigInteger r = ASN1Integer.getInstance(seq.getObjectAt(0)).getValue();
        BigInteger s = ASN1Integer.getInstance(seq.getObjectAt(1)).getValue();
        ECDSASigner verifier = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        verifier.init(false, new ECPublicKeyParameters(P256.getCurve().decodePoint(publicKey), P256_DOMAIN));
        SHA256Digest digest = new SHA256Digest();
        digest.update(message, 0, message.length);
        byte[] hash = new byte[32];
        digest.doFinal(hash, 0);
        return verifier.verifySignature(hash, r, s);
    }
}
