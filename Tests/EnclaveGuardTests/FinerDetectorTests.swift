// Enclave guardrails tests: dates of birth, postal addresses and person names.

import EnclaveGuard
import Testing

@Suite struct DateOfBirthDetectorTests {
    let detector = DateOfBirthDetector()

    @Test(arguments: [
        ("DOB: 1987-03-14", "1987-03-14"), ("Date of birth: 14/03/1987", "14/03/1987"), ("born on March 14, 1987 in Leeds", "March 14, 1987"),
        ("Geburtsdatum: 14.03.1987", "14.03.1987"), ("geboren am 3. Mai 1990", "3. Mai 1990"), ("née le 12 février 1985", "12 février 1985"),
        ("dob is 4/22/79", "4/22/79"), ("D.O.B. 1962-11-30", "1962-11-30"),
    ])
    func findsLabelledDates(text: String, expected: String) {
        #expect(detector.matches(.dateOfBirth, in: text) == [expected])
    }

    @Test(arguments: [
        "Meeting on 1987-03-14", "born to run 1975", "Date of birth: unknown", "DOB: 1987-13-45", "DOB: 14/03/1787", "dobby 1987-03-14",
    ])
    func ignoresUnlabelledOrInvalid(text: String) {
        #expect(detector.matches(.dateOfBirth, in: text).isEmpty)
    }
}

@Suite struct PostalAddressDetectorTests {
    let detector = PostalAddressDetector()

    @Test(arguments: [
        ("Ship to 221B Baker Street, London.", "221B Baker Street, London"),
        ("at 1600 Amphitheatre Parkway, Mountain View, CA 94043 today", "1600 Amphitheatre Parkway, Mountain View, CA 94043"),
        ("Lieferadresse: Hauptstraße 5, 10115 Berlin", "Hauptstraße 5, 10115 Berlin"),
        ("au 12 rue de la Paix, 75002 Paris.", "12 rue de la Paix, 75002 Paris"),
        ("7 Maple Ave, Apt 4B, Portland, OR 97201", "7 Maple Ave, Apt 4B, Portland, OR 97201"),
    ])
    func findsAddresses(text: String, expected: String) {
        #expect(detector.matches(.postalAddress, in: text) == [expected])
    }

    @Test(arguments: [
        "He lives on Main Street.", "Take the 5 train", "Chapter 3 Street Photography", "3 Big Boxes Road-side", "Die Hauptstraße ist zu",
    ])
    func ignoresWithoutNumberAndType(text: String) {
        #expect(detector.matches(.postalAddress, in: text).isEmpty)
    }
}

@Suite struct PersonNameDetectorTests {
    let detector = PersonNameDetector()

    @Test(arguments: [
        ("Book a table for Mr. Jonas Becker.", "Jonas Becker"), ("My name is Priya Sharma and", "Priya Sharma"), ("Dr. A. Okafor", "A. Okafor"),
        ("Name: Mateo Rossi", "Mateo Rossi"), ("je m'appelle Liam Walsh", "Liam Walsh"),
    ])
    func findsCuedNames(text: String, expected: String) {
        #expect(detector.matches(.person, in: text) == [expected])
    }

    @Test(arguments: ["Ana Silva called", "my name is not important", "Name: required", "Mr. and Mrs. are titles", "Dr. No", "Main Dr. Suite"])
    func ignoresUncuedOrLowerCase(text: String) {
        #expect(detector.matches(.person, in: text).isEmpty)
    }
}
