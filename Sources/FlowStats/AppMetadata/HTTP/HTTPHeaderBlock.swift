// The header lines of an HTTP/1.x message head, read the way Zeek's MIME entity reads them
// (zeek src/analyzer/protocol/mime/MIME.cc `MIME_Entity::Deliver`, `MIME_Header`,
// `MIME_get_field_name`, `MIME_skip_lws_comments`): lines until an empty one (or one that
// starts with NUL); a line starting with SP/TAB continues the previous header (its bytes are
// appended as they are); the name is the run of characters 33–126 except ':' after any
// blanks and (comments); then blanks/comments and ':'; the value is the rest with leading
// `isspace` bytes dropped (trailing ones kept). Lines as Zeek's ContentLine splits them.

/// What the header scan found.
struct HTTPHeaderScan {
    /// The last `Host` header's value (Zeek's script assigns `c$http$host` for each one),
    /// in Zeek's log spelling (``ZeekLogText``); nil when there was none.
    var host: String?
    /// The last `User-Agent` header's value, spelled so; nil when there was none.
    var userAgent: String?
    /// Where the line after the empty line starts; nil when the head is not finished in the
    /// bytes given (`partialEnd` is then how far the complete lines went).
    var end: Int?
    var partialEnd: Int = 0
}

enum HTTPHeaderBlock {
    /// Reads header lines from `start` up to `limit`; with `keepValues` false it only finds
    /// where the head ends.
    static func scan(_ stream: UnsafeRawBufferPointer, from start: Int, limit: Int,
                     keepValues: Bool = true) -> HTTPHeaderScan {
        if !keepValues { return scanEnd(stream, from: start, limit: limit) }
        var result = HTTPHeaderScan(partialEnd: start)
        // The header being read: its first line's bytes as a range of the stream; only a
        // header folded over several lines is copied into `folded` (empty otherwise: a
        // continuation line is never empty, it starts with a blank).
        var currentStart = 0, currentEnd = 0
        var folded: [UInt8] = []
        var hasCurrent = false
        var position = start
        func finish() {
            if hasCurrent, keepValues {
                if !folded.isEmpty {
                    folded.withUnsafeBytes { take($0, into: &result) }
                } else {
                    take(UnsafeRawBufferPointer(rebasing: stream[currentStart..<currentEnd]), into: &result)
                }
            }
            folded.removeAll(keepingCapacity: true)
            hasCurrent = false
        }
        while let line = stream.textLine(from: position, limit: limit) {
            if line.isEmpty || stream[line.start] == 0 {
                if line.endsAtTrailingCR { break }  // does an LF follow? not known yet
                finish()
                result.end = line.next
                return result
            }
            let first = stream[line.start]
            if first == 0x20 || first == 0x09 {
                if !hasCurrent {
                    // Zeek: "first header line starts with linear whitespace": taken as a new
                    // header without its leading blanks.
                    hasCurrent = true
                    currentStart = stream.skipBlanks(from: line.start, end: line.end)
                    currentEnd = line.end
                } else if keepValues {
                    if folded.isEmpty {
                        folded.append(contentsOf: UnsafeRawBufferPointer(rebasing: stream[currentStart..<currentEnd]))
                    }
                    folded.append(contentsOf: UnsafeRawBufferPointer(rebasing: stream[line.start..<line.end]))
                }
            } else {
                finish()
                hasCurrent = true
                currentStart = line.start
                currentEnd = line.end
            }
            position = line.next
            result.partialEnd = line.next
        }
        finish()
        return result
    }

    /// ``scan(_:from:limit:keepValues:)`` without values: where the head ends (the same lines,
    /// the same end), with nothing kept per header.
    private static func scanEnd(_ stream: UnsafeRawBufferPointer, from start: Int, limit: Int) -> HTTPHeaderScan {
        var result = HTTPHeaderScan(partialEnd: start)
        var position = start
        while let line = stream.textLine(from: position, limit: limit) {
            if line.isEmpty || stream[line.start] == 0 {
                if line.endsAtTrailingCR { break }  // does an LF follow? not known yet
                result.end = line.next
                return result
            }
            position = line.next
            result.partialEnd = line.next
        }
        return result
    }

    /// Keeps the value of a `Host` or `User-Agent` header (names compared ignoring case).
    private static func take(_ bytes: UnsafeRawBufferPointer, into result: inout HTTPHeaderScan) {
        // The usual line starts with its name (no blank, no comment): `split` would find the
        // same run of name characters, and one of neither 4 nor 10 is neither header.
        if let first = bytes.first, first != 0x28, isFieldNameCharacter(first) {
            var nameEnd = 1
            while nameEnd < bytes.count, isFieldNameCharacter(bytes[nameEnd]) { nameEnd += 1 }
            if nameEnd != 4 && nameEnd != 10 { return }
        }
        guard let (name, value) = split(bytes) else { return }
        if name.count == 4, bytes.hasPrefix("host", at: name.lowerBound) {
            result.host = ZeekLogText.spell(UnsafeRawBufferPointer(rebasing: bytes[value]))
        } else if name.count == 10, bytes.hasPrefix("user-agent", at: name.lowerBound) {
            result.userAgent = ZeekLogText.spell(UnsafeRawBufferPointer(rebasing: bytes[value]))
        }
    }

    /// The name and value ranges of one (unfolded) header line, or nil when it is malformed.
    static func split(_ line: UnsafeRawBufferPointer) -> (name: Range<Int>, value: Range<Int>)? {
        let end = line.count
        var index = skipBlanksAndComments(line, from: 0, end: end)
        // MIME_get_field_name: skip anything until a name character.
        while index < end, !isFieldNameCharacter(line[index]) {
            let skipped = skipBlanksAndComments(line, from: index, end: end)
            index = skipped > index ? skipped : index + 1
        }
        guard index < end else { return nil }
        let nameStart = index
        while index < end, isFieldNameCharacter(line[index]) { index += 1 }
        let name = nameStart..<index
        index = skipBlanksAndComments(line, from: index, end: end)
        guard index < end, line[index] == 0x3A else { return nil }
        index += 1
        while index < end, isCSpace(line[index]) { index += 1 }
        return (name, index..<end)
    }

    static func isFieldNameCharacter(_ byte: UInt8) -> Bool { byte >= 33 && byte <= 126 && byte != 0x3A }

    /// MIME_skip_lws_comments: blanks and (nested, backslash-escaping) comments.
    static func skipBlanksAndComments(_ line: UnsafeRawBufferPointer, from: Int, end: Int) -> Int {
        var index = from
        while index < end {
            let byte = line[index]
            if byte == 0x20 || byte == 0x09 {
                index += 1
            } else if byte == 0x28 {
                var depth = 0
                var cursor = index
                var closed = false
                while cursor < end {
                    switch line[cursor] {
                    case 0x28: depth += 1
                    case 0x29:
                        depth -= 1
                        if depth == 0 { closed = true }
                    case 0x5C: cursor += 1
                    default: break
                    }
                    cursor += 1
                    if closed { break }
                }
                index = closed ? cursor : end
            } else {
                return index
            }
        }
        return end
    }
}
