// Enclave guardrails tests: the e-mail, phone, card, IBAN, SSN and IP detectors.

import EnclaveGuard
import Testing

@Suite struct EmailDetectorTests {
    let detector = EmailDetector()

    @Test(arguments: [
        ("write to ana.silva@example.org today", "ana.silva@example.org"), ("<j+news@mail.example.co.uk>", "j+news@mail.example.co.uk"),
        ("mailto:ops@example.com", "ops@example.com"), ("end of sentence x@example.de.", "x@example.de"),
    ])
    func findsAddresses(text: String, expected: String) {
        #expect(detector.matches(.emailAddress, in: text) == [expected])
    }

    @Test(arguments: [
        "@channel", "user@localhost", "pkg@1.2.3", "icon@2x.png", "git@github.com:acme/api.git", "postgres://u:pw@db.example.com/x",
        "http://user@example.com/", "a@b", ".x@", "@angular/core@17.0.1",
    ])
    func ignoresLookAlikes(text: String) {
        #expect(detector.matches(.emailAddress, in: text).isEmpty)
    }

    @Test func reportsByteOffsetsAfterMultiByteText() {
        let text = "é → ana@example.org"
        let finding = detector.findings(in: text, entities: [.emailAddress]).first
        #expect(finding?.range == 7..<22)  // é is 2 bytes, → is 3
        #expect(detector.findings(in: text, entities: [.phoneNumber]).isEmpty)
    }
}

@Suite struct PhoneNumberDetectorTests {
    let detector = PhoneNumberDetector()

    @Test(arguments: [
        "(415) 555-2671", "415-555-2671", "415.555.2671", "1-415-555-2671", "+1 415 555 2671", "+44 20 7946 0958", "+44 (0)20 7946 0958",
        "020 7946 0958", "07700 900123", "030 12345678", "089/1234567", "01 23 45 67 89", "06.12.34.56.78", "+4930123456", "(030) 1234 5678",
    ])
    func findsNumbers(number: String) {
        #expect(detector.matches(.phoneNumber, in: "call \(number) now") == [number])
    }

    @Test(arguments: [
        "2024-01-15", "15.01.2024", "1.2.3.4", "12:30:45", "978-3-16-148410-0", "4111 1111 1111 1111", "12345-6789", "Order 5551234567",
        "555-1234", "123-45-6789", "(555) 012-3456", "v415-555-2671", "415-555-2671x", "0012345678", "+49 30 1234 5678 9012 3456",
    ])
    func ignoresLookAlikes(text: String) {
        #expect(detector.matches(.phoneNumber, in: text).isEmpty)
    }
}

@Suite struct CreditCardDetectorTests {
    let detector = CreditCardDetector()

    @Test(arguments: [
        "4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111", "378282246310005", "3782 822463 10005", "30569309025904",
        "5555555555554444", "2223003122003222", "6011111111111117", "3530111333300000", "6200000000000005", "4222222222222",
    ])
    func findsCards(number: String) {
        #expect(detector.matches(.creditCard, in: "card: \(number).") == [number])
    }

    @Test(arguments: [
        "4111111111111112", "1234567812345670", "4111 1111 1111-1111", "41111 11111 111111", "4111111111111111111111", "x4111111111111111",
        "4111111111111111-2", "99.4111111111111111", "7111111111111114",
    ])
    func ignoresFailingOrUnknown(text: String) {
        #expect(detector.matches(.creditCard, in: text).isEmpty)
    }
}

@Suite struct IBANDetectorTests {
    let detector = IBANDetector()

    @Test(arguments: [
        "DE89370400440532013000", "DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432", "GB82 WEST 1234 5698 7654 32",
        "FR1420041010050500013M02606", "NL91ABNA0417164300", "NO9386011117947", "CH9300762011623852957",
    ])
    func findsIBANs(iban: String) {
        #expect(detector.matches(.iban, in: "IBAN: \(iban), thanks") == [iban])
    }

    @Test(arguments: [
        "DE88370400440532013000", "DE89 3704 0044 0532 0130 0", "DE8937040044053201300012", "XX89370400440532013000", "de89370400440532013000",
        "DE89 37040044 0532 0130 00", "ADE89370400440532013000",
    ])
    func ignoresInvalid(text: String) {
        #expect(detector.matches(.iban, in: text).isEmpty)
    }
}

@Suite struct USSSNDetectorTests {
    let detector = USSSNDetector()

    @Test func findsDashedAndSpaced() {
        #expect(detector.matches(.usSSN, in: "SSN 536-22-1234.") == ["536-22-1234"])
        #expect(detector.matches(.usSSN, in: "no label 536 22 1234 here") == ["536 22 1234"])
        #expect(detector.matches(.usSSN, in: "boundary 001-01-0001") == ["001-01-0001"])
        #expect(detector.matches(.usSSN, in: "boundary 899-99-9999") == ["899-99-9999"])
    }

    @Test(arguments: ["000-12-3456", "666-12-3456", "900-12-3456", "999-99-9999", "123-00-4567", "123-45-0000", "078-05-1120", "123-45-6789"])
    func ignoresNeverIssued(number: String) {
        #expect(detector.matches(.usSSN, in: "SSN \(number)").isEmpty)
    }

    @Test func bareDigitsOnlyWhenLabelled() {
        #expect(detector.matches(.usSSN, in: "SSN: 536221234") == ["536221234"])
        #expect(detector.matches(.usSSN, in: "social security number 536221234") == ["536221234"])
        #expect(detector.matches(.usSSN, in: "Employee ID 536221234").isEmpty)
        #expect(detector.matches(.usSSN, in: "class 536221234").isEmpty)
        #expect(detector.matches(.usSSN, in: "SSN 5362212345").isEmpty)
    }

    @Test func ignoresLongerRuns() {
        #expect(detector.matches(.usSSN, in: "1-536-22-1234").isEmpty)
        #expect(detector.matches(.usSSN, in: "536-22-1234-5").isEmpty)
        #expect(detector.matches(.usSSN, in: "536-22 1234").isEmpty)
    }
}

@Suite struct IPAddressDetectorTests {
    let detector = IPAddressDetector()

    @Test(arguments: [
        "192.168.1.20", "0.0.0.0", "255.255.255.255", "10.0.0.0/8", "2001:db8:85a3::8a2e:370:7334", "::1", "fe80::1", "2001:db8::/32",
        "2001:0db8:0000:0000:0000:ff00:0042:8329", "::ffff:192.0.2.128", "2606:4700:4700::1111",
    ])
    func findsAddresses(address: String) {
        #expect(detector.matches(.ipAddress, in: "host \(address).") == [address])
    }

    @Test(arguments: [
        "256.1.1.1", "1.2.3.4.5", "v1.2.3.4", "version 1.2.3.4", "build 10.0.0.1", "01.02.03.04", "1.2.3", "00:1A:2B:3C:4D:5E", "12:30:45",
        "std::vector", "dead::beef", "ab::cd", "0.9.13.0", "1.2.3.4a", "Foo::Bar", "1:2:3:4:5:6:7", "1::2::3",
    ])
    func ignoresLookAlikes(text: String) {
        #expect(detector.matches(.ipAddress, in: text).isEmpty)
    }

    @Test func keepsPortOutAndKindIn() {
        let findings = detector.findings(in: "curl http://127.0.0.1:9000/ and [2001:db8::2]:443", entities: [.ipAddress])
        #expect(findings.map(\.kind) == ["ipv4", "ipv6"])
        #expect(detector.matches(.ipAddress, in: "listen 127.0.0.1:9000") == ["127.0.0.1"])
    }
}
