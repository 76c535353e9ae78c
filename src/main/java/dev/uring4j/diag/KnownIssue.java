package dev.uring4j.diag;

/**
 * One known kernel or liburing problem, evaluated against this host.
 *
 * @param id       short stable identifier, e.g. {@code iowq-max-workers-sqpoll-deadlock}
 * @param title    what goes wrong
 * @param affected whether the running kernel / bundled liburing is affected
 * @param verdict  why it is (or is not) affected, with the versions compared
 * @param action   what uring4j does about it, or what to do
 * @param source   where the facts come from (upstream thread, commit, CVE)
 */
public record KnownIssue(String id, String title, boolean affected, String verdict, String action, String source) {
}
