package io.aot.ads.segment;

import io.aot.ads.profile.ProfileSnapshot;

/** A customer as the segment evaluator keeps them: the latest profile and the segments (and versions) they are in. */
public class MemberState {
    public ProfileSnapshot profile;
    public String[] segments = new String[0];
    public int[] versions = new int[0];

    public MemberState() {
    }
}
