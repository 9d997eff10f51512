// Enclave: the scheduler's handle on one running generation.

/// Pauses and continues one running generation, for a scheduler that takes a slot back from a user who
/// holds more than their share while someone else waits.
///
/// A backend offers it through ``PreemptibleBackend``. After ``suspend()`` the generation stops using its
/// slot (the embedded engine releases the sequence's KV memory and keeps its tokens); after ``resume()`` it
/// goes on where it stopped (the embedded engine recomputes the prompt and the tokens so far). The
/// consumer of the generation's events sees only a pause. Both calls return at once and are idempotent.
///
/// ```swift
/// generation.control.suspend()   // the slot is free for another request
/// generation.control.resume()    // the generation goes on
/// ```
public protocol SequenceControl: Sendable {
    /// Takes the generation out of its slot; its events pause.
    func suspend()
    /// Lets a suspended generation go on.
    func resume()
}
