// Enclave: recognising bcrypt password hashes.

/// The shape of a bcrypt hash as `password_hash` accepts it: `$2a$`, `$2b$` or `$2y$`, a two-digit cost
/// from 04 to 31, `$`, and 53 characters of bcrypt's base64 (22 of salt, 31 of hash): 60 in all.
public enum BcryptHash {
    /// Why `text` is not a bcrypt hash, or `nil` if it is one.
    public static func problem(with text: String) -> String? {
        let characters = Array(text.utf8)
        guard characters.count == 60 else { return "a bcrypt hash has 60 characters, this one has \(characters.count)" }
        let version = String(decoding: characters[0..<4], as: UTF8.self)
        guard ["$2a$", "$2b$", "$2y$"].contains(version) else { return "a bcrypt hash starts with $2a$, $2b$ or $2y$" }
        guard let cost = Int(String(decoding: characters[4..<6], as: UTF8.self)), characters[6] == UInt8(ascii: "$"),
            (4...31).contains(cost)
        else {
            return "a bcrypt hash has a two-digit cost from 04 to 31 after the version, then '$'"
        }
        let alphabet = Set("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
        guard characters[7...].allSatisfy(alphabet.contains) else { return "a bcrypt hash's salt and digest use only ./A-Za-z0-9" }
        return nil
    }
}
