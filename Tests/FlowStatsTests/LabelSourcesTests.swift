@testable import FlowStats
import Foundation
import Testing

/// `--label-regex`, `--labels` and `--label`, and how they combine with the template.
@Suite struct LabelSourcesTests {
    @Test func namedGroupsAreFoundInOrder() throws {
        // Look-behinds, escaped text that looks like a group and a character class hold no named group.
        let pattern = #"(?<=^|/)(?<Zeta>[a-z]+)(?<!x)(?:\(\?<No>\))?[(?<Nope>)]?_(?<AppName>\w+)(?:_(?<Alpha>\d+))?"#
        let regex = try LabelRegex(pattern)
        #expect(regex.groupNames == ["Zeta", "AppName", "Alpha"])
        #expect(regex.values(for: "dir/skype_audio_12") == ["skype", "audio_12", ""],
                "\\w+ is greedy, so the optional Alpha group takes no part: empty")
        #expect(regex.values(for: "dir/skype(?<No>)_audio") == ["skype", "audio", ""], "the escaped (?<No>) is text, not a group")
        #expect(regex.values(for: "NOPE") == nil)
    }

    @Test(arguments: [
        ("(?<AppName>", "not a valid regular expression"),
        ("[a-z]+", "has no named group"),
        ("(?<A>x)(?<A>y)", "not a valid regular expression"),  // ICU refuses a repeated name itself
    ])
    func badRegexes(pattern: String, reason: String) {
        #expect { try LabelRegex(pattern) } throws: { ($0 as? LabelOptionError)?.message.contains(reason) == true }
    }

    static let iscx = """
        File,AppName,AppAction,Traffic
        vpn_skype_audio*,skype,audio,VPN
        facebookchat*,facebook,chat,NonVPN
        "hangout*_chat_*",hangouts,chat,"Non,VPN"
        Malware/*,,,Malware

        """

    @Test func tableGlobsOnNamesAndPaths() throws {
        let table = try LabelTable(text: Self.iscx, path: "t.csv")
        #expect(table.columns == ["AppName", "AppAction", "Traffic"])
        #expect(table.row(name: "vpn_skype_audio1.pcap", relativePath: "vpn_skype_audio1.pcap")?.values == ["skype", "audio", "VPN"])
        #expect(table.row(name: "facebookchat1.pcapng", relativePath: "a/facebookchat1.pcapng")?.line == 3)
        #expect(table.row(name: "hangouts_chat_4b.pcap", relativePath: "hangouts_chat_4b.pcap")?.values == ["hangouts", "chat", "Non,VPN"])
        #expect(table.row(name: "hangout_chat_4a.pcap", relativePath: "hangout_chat_4a.pcap")?.line == 4)
        // With a '/', the pattern is matched against the relative path, '*' not crossing '/'.
        #expect(table.row(name: "Zeus.pcap", relativePath: "Malware/Zeus.pcap")?.line == 5)
        #expect(table.row(name: "Zeus.pcap", relativePath: "x/Malware/Zeus.pcap") == nil)
        #expect(table.row(name: "Zeus.pcap", relativePath: "Zeus.pcap") == nil)
        #expect(table.row(name: "Facebookchat1.pcap", relativePath: "Facebookchat1.pcap") == nil, "case matters")
    }

    @Test(arguments: [
        ("", 1, "empty"),
        ("\n\n", 1, "empty"),
        ("Name,AppName\nx,y\n", 1, "no File column"),
        ("File,AppName\na,b\nc\n", 3, "1 fields, the header has 2"),
        ("File,AppName\na,b,c\n", 2, "3 fields, the header has 2"),
        ("File,AppName,AppName\n", 1, "names 'AppName' twice"),
        ("File,,X\n", 1, "empty column name"),
        ("File,AppName\n\"a,b\n", 2, "not closed"),
        ("File,AppName\n,b\n", 2, "empty File pattern"),
    ])
    func badTables(text: String, line: Int, reason: String) {
        do throws(LabelOptionError) {
            _ = try LabelTable(text: text, path: "t.csv")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.message.hasPrefix("t.csv:\(line): "), "\(error.message)")
            #expect(error.message.contains(reason), "\(error.message)")
        }
    }

    @Test func quotedFieldsSpanLines() throws {
        let table = try LabelTable(text: "File,Note\r\n\"a*\",\"two\nlines, \"\"quoted\"\"\"\r\nb,x\r\n", path: "t.csv")
        #expect(table.rows.map(\.line) == [2, 4], "the second row starts on line 4")
        #expect(table.rows[0].values == ["two\nlines, \"quoted\""])
    }

    /// Per column: constant > table row > regex > template.
    @Test func precedence() throws {
        var options = LabelOptions()
        options.table = try LabelTable(text: "File,AppAction,Site\nfacebook_*,tablechat,tablesite\n", path: "t.csv")
        options.regex = try LabelRegex(#"^(?<Dir>[^/]+)/(?<AppName>[a-z]+)_(?<AppAction>[a-z]+)"#)
        options.constants = [("Site", "constant"), ("Dir", "")]
        options.explain = true
        let template = try LabelTemplate("{AppName}/*")
        #expect(options.extraColumns == ["Dir", "Site"])
        let input = CaptureInput(path: "/data/apps/facebook_chat_1.pcap", displayPath: "apps/facebook_chat_1.pcap")
        let labels = options.labels(for: input, template: template)
        #expect(labels.appName == "facebook", "from the regex: the table has no AppName column, and the regex beats the template")
        #expect(labels.appAction == "tablechat", "the table row beats the regex")
        #expect(labels.extra == ["", "constant"], "constants beat everything, an empty one too")
        #expect(labels.missing == nil)
        #expect(labels.explanation == "AppName=facebook (--label-regex), AppAction=tablechat (t.csv line 2 'facebook_*'), Dir= (--label), Site=constant (--label)")

        // Nothing matches: one warning naming what was tried; only constants remain.
        let other = options.labels(for: CaptureInput(path: "/x.pcap", displayPath: "/x.pcap"), template: template)
        #expect(other.missing == "file name matched by none of: --labels t.csv, --label-regex, the label template; labels left empty")
        #expect([other.appName, other.appAction] == ["", ""])
        #expect(other.extra == ["", "constant"])
    }

    /// Without label options the template is applied directly; the same as through the general path.
    @Test func theTemplateAloneGivesTheSameLabelsWithoutExplaining() throws {
        let template = try LabelTemplate(LabelTemplate.defaultTemplate)
        for path in ["/d/facebook_chat_4a.pcap", "/d/noseparator.pcap"] {
            let input = CaptureInput(path: path, displayPath: String(path.dropFirst(3)))
            var plain = LabelOptions()
            let fast = plain.labels(for: input, template: template)
            plain.explain = true
            let explained = plain.labels(for: input, template: template)
            #expect([fast.appName, fast.appAction] == [explained.appName, explained.appAction])
            #expect(fast.missing == explained.missing)
            #expect(fast.explanation == "" && explained.explanation.hasPrefix("AppName="))
        }
        let facebook = LabelOptions().labels(for: CaptureInput(path: "/d/facebook_chat_4a.pcap", displayPath: "facebook_chat_4a.pcap"), template: template)
        #expect([facebook.appName, facebook.appAction] == ["facebook", "chat"])
        let other = LabelOptions().labels(for: CaptureInput(path: "/d/noseparator.pcap", displayPath: "noseparator.pcap"), template: template)
        #expect(other.missing == "file name does not match the label template; AppName and AppAction left empty")
    }

    @Test func aFileGivenDirectlyIsMatchedByItsName() throws {
        var options = LabelOptions()
        options.useTemplate = false
        options.regex = try LabelRegex(#"^(?<AppName>[^/]+)\.pcap$"#)
        let template = try LabelTemplate(LabelTemplate.defaultTemplate)
        let direct = options.labels(for: CaptureInput(path: "some/dir/Gmail.pcap", displayPath: "some/dir/Gmail.pcap"), template: template)
        #expect(direct.appName == "Gmail")
        let inFolder = options.labels(for: CaptureInput(path: "data/Benign/Gmail.pcap", displayPath: "Benign/Gmail.pcap"), template: template)
        #expect(inFolder.appName == "", "in a folder the relative path Benign/Gmail.pcap is matched")
        #expect(inFolder.missing == "file name matched by none of: --label-regex; labels left empty")
    }

    @Test func columnsMustNotShadowTheSchema() throws {
        var options = LabelOptions()
        options.constants = [("SourceFile", "x")]
        #expect(throws: LabelOptionError.self) { try options.validate(schemaColumns: Schema.basic.columns.map(\.name)) }
        options.constants = [("Label", "x")]
        options.rules = try LabelRules(text: "default B\n", path: "r.txt")
        #expect(throws: LabelOptionError.self) { try options.validate(schemaColumns: []) }
        options.constants = [("A", "1"), ("A", "2")]
        options.rules = nil
        #expect(throws: LabelOptionError.self) { try options.validate(schemaColumns: []) }
        #expect(throws: LabelOptionError.self) { try LabelOptions.constant("=x") }
        #expect(throws: LabelOptionError.self) { try LabelOptions.constant("novalue") }
        #expect(try LabelOptions.constant("A=b=c") == ("A", "b=c"))
    }
}
