package io.aot.jobs.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import java.util.HashMap;
import java.util.Map;

/**
 * One driver session per task manager JVM (per job class loader) and {@link CassandraConnection}, shared by the
 * job's Cassandra sinks and closed when the last one closes. A session is thread-safe and meant to be shared: one per
 * sink (the store job has 9) multiplied the driver's connections, I/O threads and heartbeats for no gain.
 */
final class SharedSessions {

    private record Entry(CqlSession session, int users) {
    }

    private static final Map<String, Entry> SESSIONS = new HashMap<>();

    private SharedSessions() {
    }

    /** The session for {@code connection}, opened on first use; each call is matched by one {@link #release}. */
    static synchronized CqlSession acquire(CassandraConnection connection) {
        Entry e = SESSIONS.get(connection.sessionKey());
        if (e == null) {
            e = new Entry(connection.open(), 0);
        }
        SESSIONS.put(connection.sessionKey(), new Entry(e.session(), e.users() + 1));
        return e.session();
    }

    static synchronized void release(CassandraConnection connection) {
        Entry e = SESSIONS.get(connection.sessionKey());
        if (e == null) {
            return;
        }
        if (e.users() > 1) {
            SESSIONS.put(connection.sessionKey(), new Entry(e.session(), e.users() - 1));
        } else {
            SESSIONS.remove(connection.sessionKey());
            e.session().close();
        }
    }

    /** Sessions open in this class loader (for tests). */
    static synchronized int open() {
        return SESSIONS.size();
    }
}
