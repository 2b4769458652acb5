extension String {
    /// The text of a NUL-terminated C character buffer (an error buffer, an address buffer).
    init(cBuffer buffer: [CChar]) {
        self = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
