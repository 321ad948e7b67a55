import Testing

@Test func placeholderMMUShellTests() { #expect(Bool(true)) }
