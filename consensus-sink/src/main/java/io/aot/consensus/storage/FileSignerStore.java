package io.aot.consensus.storage;

import io.aot.consensus.codec.CanonicalReader;
import io.aot.consensus.codec.CanonicalWriter;
import io.aot.consensus.engine.SignerGuard;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The signer guard's last-signed state in a file, replaced atomically and fsynced before a signature is released. */
public final class FileSignerStore implements SignerGuard.Store {

    private final Path file;

    public FileSignerStore(Path file) {
        this.file = file;
    }

    @Override
    public SignerGuard.LastSigned load() {
        try {
            byte[] bytes = AtomicFile.readOrNull(file);
            if (bytes == null) {
                return null;
            }
            CanonicalReader r = new CanonicalReader(bytes);
            SignerGuard.LastSigned s = new SignerGuard.LastSigned(r.i64(), r.i32(), r.i32(), r.bytes(1 << 16),
                    r.bytes(64));
            r.expectEnd();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (CanonicalReader.MalformedException e) {
            // Refuse to start rather than sign with a forgotten history.
            throw new IllegalStateException("signer state " + file + " is damaged: " + e.getMessage());
        }
    }

    @Override
    public void save(SignerGuard.LastSigned s) {
        try {
            AtomicFile.write(file, new CanonicalWriter().i64(s.height()).i32(s.round()).i32(s.step())
                    .bytes(s.signBytes()).bytes(s.signature()).toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot persist signer state", e);
        }
    }
}
