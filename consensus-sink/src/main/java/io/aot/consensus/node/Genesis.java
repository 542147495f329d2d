package io.aot.consensus.node;

import io.aot.consensus.engine.SynchronyParams;
import io.aot.consensus.crypto.Ed25519Keys.PublicKey;
import io.aot.consensus.types.Validator;
import io.aot.consensus.types.ValidatorSet;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The chain's genesis, identical on every validator: chain id, validators (consensus key, power, name), ingestion
 * endorser keys, the application's initial state and the synchrony bounds of block time. Stored as
 * {@code genesis.properties}; {@code synchrony.precision_ms} and {@code synchrony.message_delay_ms} default to
 * {@link SynchronyParams#defaults()}.
 */
public record Genesis(String chainId, List<Validator> validators, List<String> validatorNames, List<PublicKey> endorsers,
        String initialAppState, SynchronyParams synchrony) {

    public ValidatorSet validatorSet() {
        return ValidatorSet.of(validators);
    }

    public void write(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("chain_id", chainId);
        for (int i = 0; i < validators.size(); i++) {
            p.setProperty("validator." + i + ".pub_key", validators.get(i).publicKey().hex());
            p.setProperty("validator." + i + ".power", Long.toString(validators.get(i).votingPower()));
            p.setProperty("validator." + i + ".name", validatorNames.get(i));
        }
        for (int i = 0; i < endorsers.size(); i++) {
            p.setProperty("endorser." + i + ".pub_key", endorsers.get(i).hex());
        }
        p.setProperty("app_state", initialAppState);
        p.setProperty("synchrony.precision_ms", Long.toString(synchrony.precisionMs()));
        p.setProperty("synchrony.message_delay_ms", Long.toString(synchrony.messageDelayMs()));
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(w, "AOT chain genesis: identical on every validator");
        }
    }

    public static Genesis read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        String chainId = require(p, "chain_id");
        List<Validator> validators = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; p.getProperty("validator." + i + ".pub_key") != null; i++) {
            validators.add(new Validator(PublicKey.fromHex(p.getProperty("validator." + i + ".pub_key")),
                    Long.parseLong(require(p, "validator." + i + ".power"))));
            names.add(p.getProperty("validator." + i + ".name", "validator" + i));
        }
        if (validators.isEmpty()) {
            throw new IOException(file + " lists no validator");
        }
        List<PublicKey> endorsers = new ArrayList<>();
        for (int i = 0; p.getProperty("endorser." + i + ".pub_key") != null; i++) {
            endorsers.add(PublicKey.fromHex(p.getProperty("endorser." + i + ".pub_key")));
        }
        SynchronyParams defaults = SynchronyParams.defaults();
        SynchronyParams synchrony;
        try {
            synchrony = new SynchronyParams(
                    Long.parseLong(p.getProperty("synchrony.precision_ms", Long.toString(defaults.precisionMs()))),
                    Long.parseLong(p.getProperty("synchrony.message_delay_ms",
                            Long.toString(defaults.messageDelayMs()))));
            ValidatorSet.of(validators); // the set's own bounds: size, distinct keys, total power
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        return new Genesis(chainId, validators, names, endorsers, p.getProperty("app_state", ""), synchrony);
    }

    private static String require(Properties p, String key) throws IOException {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IOException("genesis misses " + key);
        }
        return v;
    }
}
