/*
 * i18n.c - consumer-page sentences in Chinese and English, and the choice
 * of language.
 *
 * The wording for each verdict says plainly what the result means for the
 * shopper and what to do; no verdict is told by colour alone.
 */
#include "web/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const web_strings_t zh = {
    .tag = "zh-CN",
    .param = "zh",
    .switch_to = "English",
    .site = "地理标志专用标志查验",
    .verdict_title =
        {
            [GI_VERDICT_GENUINE] = "正品标志",
            [GI_VERDICT_GENUINE_REPEATED] = "查询次数异常：标志可能被复制",
            [GI_VERDICT_NOT_ACTIVATED] = "标志尚未启用",
            [GI_VERDICT_VOID] = "标志已作废",
            [GI_VERDICT_AUTH_SUSPENDED] = "使用资格已暂停",
            [GI_VERDICT_AUTH_REVOKED] = "使用资格已撤销",
            [GI_VERDICT_AUTH_EXPIRED] = "使用资格已过期",
            [GI_VERDICT_UNKNOWN] = "查无此码",
            [GI_VERDICT_MALFORMED] = "编码有误",
        },
    .verdict_text =
        {
            [GI_VERDICT_GENUINE] =
                "此标志由知识产权管理部门登记，发放给经核准使用地理标志专用标志的经营者。",
            [GI_VERDICT_GENUINE_REPEATED] =
                "此编码真实存在，但已被多次查询。如果您是第一次查询这件商品，标志可能被复制。",
            [GI_VERDICT_NOT_ACTIVATED] = "此编码已发放，但经营者尚未确认已将标志贴用到商品上。已在"
                                         "售商品上出现未启用的标志，需要注意。",
            [GI_VERDICT_VOID] = "此编码已被作废，不应出现在在售商品上。",
            [GI_VERDICT_AUTH_SUSPENDED] =
                "此编码真实存在，但该经营者使用地理标志专用标志的资格目前已被暂停。",
            [GI_VERDICT_AUTH_REVOKED] =
                "此编码真实存在，但该经营者使用地理标志专用标志的资格已被撤销。",
            [GI_VERDICT_AUTH_EXPIRED] =
                "此编码真实存在，但该经营者使用地理标志专用标志的核准已过有效期。",
            [GI_VERDICT_UNKNOWN] = "登记簿中没有这个编码。标志很可能是仿冒的。",
            [GI_VERDICT_MALFORMED] = "这不是一个有效的编码，可能是输入时有字符错误。",
        },
    .verdict_advice =
        {
            [GI_VERDICT_GENUINE] = "请核对下方的产品和经营者信息与包装是否一致。",
            [GI_VERDICT_GENUINE_REPEATED] =
                "请核对下方信息与包装是否一致；如有疑问，请向我们举报。",
            [GI_VERDICT_NOT_ACTIVATED] = "请向商家询问，或向我们举报。",
            [GI_VERDICT_VOID] = "请不要把它当作正品标志，并向我们举报在哪里见到此商品。",
            [GI_VERDICT_AUTH_SUSPENDED] =
                "暂停期间贴用的商品可能不符合地理标志产品标准。如有疑问，请向我们举报。",
            [GI_VERDICT_AUTH_REVOKED] = "该经营者已无权使用此标志。请向我们举报在哪里见到此商品。",
            [GI_VERDICT_AUTH_EXPIRED] = "请向商家询问；如有疑问，请向我们举报。",
            [GI_VERDICT_UNKNOWN] =
                "请核对编码是否输入正确；若是扫码得到此结果，请向我们举报在哪里见到此商品。",
            [GI_VERDICT_MALFORMED] = "请对照标签上的编码重新输入。",
        },
    .product = "产品",
    .region = "产地",
    .registration = "公告号/注册号",
    .standard = "标准",
    .operator_name = "经营者",
    .uscc = "统一社会信用代码",
    .authorisation = "使用资格",
    .approval_doc = "核准文件",
    .valid_until = "有效期至",
    .auth_status_approved = "有效",
    .auth_status_suspended = "已暂停",
    .auth_status_revoked = "已撤销",
    .auth_status_expired = "已过期",
    .auth_status_pending = "待审核",
    .lot = "批次",
    .lot_number = "批号",
    .harvest_date = "采收/生产日期",
    .production_base = "生产基地",
    .inspection_cert = "检验证书编号",
    .issued_on = "标志发放日期",
    .void_reason = "作废原因",
    .scans = "查询记录",
    .scan_count = "此编码已被查询 %D 次（含本次），首次查询于 %s。",
    .scan_first = "这是此编码的首次查询（%s）。",
    .scan_warning = "注意：近期已有超过 %D 台不同的设备查询此编码。正品标志通常只被少数人查询；"
                    "如果您是第一次查询这件商品，标志可能被复制。",
    .code_label = "编码",
    .typed_label = "您输入的内容",
    .typo_hint = "编码的校验位不符，多半是有一个字符输错了。",
    .in_doubt = "如有疑问",
    .in_doubt_text =
        "请保留商品和购物凭证，并告诉我们您在哪里买到它。举报会转交知识产权管理部门核查。",
    .report_heading = "举报疑似仿冒",
    .report_text = "您看到了什么？在哪里购买？",
    .report_contact = "联系方式（选填）",
    .report_contact_hint = "电话或电子邮箱，仅用于核查回访",
    .report_send = "提交举报",
    .report_thanks_title = "已收到您的举报",
    .report_thanks_text = "谢谢。您的举报已记录，将由知识产权管理部门核查。",
    .report_back = "返回查验结果",
    .report_limited_title = "提交过于频繁",
    .report_limited_text = "您在短时间内提交了多次举报，请稍后再试。",
    .report_invalid_title = "举报未能提交",
    .scans_limited_title = "查验过于频繁",
    .scans_limited_text = "您在短时间内查验了多个无法识别的编码，请稍后再试。",
    .enter_code = "输入编码查验",
    .enter_code_hint = "16 位编码，印在二维码旁，例如 K7M3-9QX2-HD4T-PW8R",
    .enter_code_send = "查验",
    .home_intro = "扫描包装上地理标志专用标志旁的二维码，或在下方输入标签上的编码，即可查验真伪。",
    .not_found_title = "页面不存在",
    .not_found_text = "没有这个页面。要查验标志，请扫描二维码或输入编码。",
    .bad_request_title = "请求无效",
    .method_title = "不支持此请求方式",
    .too_large_title = "请求内容过大",
    .unsupported_title = "不支持此内容类型",
    .busy_title = "服务繁忙",
    .busy_text = "查验服务暂时无法完成您的请求，请稍后再试。",
    .footer = "地理标志专用标志查验服务",
    .time_zone = "北京时间",
    .origin = "产地",
    .origin_from = "来自",
    .origin_village = "乡镇、村",
    .origin_county = "县（市、区）",
    .origin_household = "合作社会员农户",
    .origin_processor = "加工企业",
    .origin_operator = "经营主体自有",
    .origin_base = {"种植基地", "养殖基地", "加工基地"},
    .lang_name = "中文",
    .lang_menu = "语言",
    .issuer = "发布机构",
    .hotline = "咨询举报电话",
    .website = "网站",
    .emblem_alt = "地理标志专用标志",
    .genuine_sentence = "这是%s生产的%s，地理标志专用标志有效。",
    .sentence_product_first = 0,
    .warn_since =
        {
            [GI_VERDICT_VOID] = "此标志已于%s作废。",
            [GI_VERDICT_AUTH_SUSPENDED] = "该经营者使用地理标志专用标志的资格自%s起暂停。",
            [GI_VERDICT_AUTH_REVOKED] = "该经营者使用地理标志专用标志的资格已于%s撤销。",
            [GI_VERDICT_AUTH_EXPIRED] = "该经营者的使用核准已于%s到期。",
        },
    .warn_repeat = "自%s首次查询以来，已有 %D 台不同的设备查询过此编码。",
    .date_format = "ymd-zh",
    .photo_alt = "%s的产品照片",
};

static const web_strings_t en = {
    .tag = "en",
    .param = "en",
    .switch_to = "中文",
    .site = "GI mark verification",
    .verdict_title =
        {
            [GI_VERDICT_GENUINE] = "Genuine label",
            [GI_VERDICT_GENUINE_REPEATED] = "Scanned unusually often: the label may be copied",
            [GI_VERDICT_NOT_ACTIVATED] = "Label not yet activated",
            [GI_VERDICT_VOID] = "Label cancelled",
            [GI_VERDICT_AUTH_SUSPENDED] = "Right to use the mark suspended",
            [GI_VERDICT_AUTH_REVOKED] = "Right to use the mark revoked",
            [GI_VERDICT_AUTH_EXPIRED] = "Right to use the mark expired",
            [GI_VERDICT_UNKNOWN] = "No such code",
            [GI_VERDICT_MALFORMED] = "Not a valid code",
        },
    .verdict_text =
        {
            [GI_VERDICT_GENUINE] = "This label is registered with the intellectual property office "
                                   "and was issued to an operator authorised to use the "
                                   "geographical indication mark.",
            [GI_VERDICT_GENUINE_REPEATED] =
                "This code exists, but it has been checked many times. If this is your first "
                "check of this product, the label may have been copied.",
            [GI_VERDICT_NOT_ACTIVATED] =
                "This code was issued, but the operator has not yet declared the labels applied "
                "to products. A label that is not activated on a product on sale calls for care.",
            [GI_VERDICT_VOID] =
                "This code has been cancelled. It should not be on a product on sale.",
            [GI_VERDICT_AUTH_SUSPENDED] = "This code exists, but the operator's right to use the "
                                          "geographical indication mark is currently suspended.",
            [GI_VERDICT_AUTH_REVOKED] = "This code exists, but the operator's right to use the "
                                        "geographical indication mark has been revoked.",
            [GI_VERDICT_AUTH_EXPIRED] = "This code exists, but the operator's authorisation to use "
                                        "the geographical indication mark has expired.",
            [GI_VERDICT_UNKNOWN] = "This code is not in the register. The label is likely a copy.",
            [GI_VERDICT_MALFORMED] =
                "This is not a valid code; a character may have been mistyped.",
        },
    .verdict_advice =
        {
            [GI_VERDICT_GENUINE] = "Check that the product and operator below match the package.",
            [GI_VERDICT_GENUINE_REPEATED] =
                "Check that the details below match the package; if in doubt, report it to us.",
            [GI_VERDICT_NOT_ACTIVATED] = "Ask the seller, or report it to us.",
            [GI_VERDICT_VOID] = "Do not rely on it as a genuine label; please tell us where you "
                                "saw this product.",
            [GI_VERDICT_AUTH_SUSPENDED] =
                "Products labelled during the suspension may not meet the "
                "GI standard. If in doubt, report it to us.",
            [GI_VERDICT_AUTH_REVOKED] = "This operator may no longer use the mark. Please tell us "
                                        "where you saw this product.",
            [GI_VERDICT_AUTH_EXPIRED] = "Ask the seller; if in doubt, report it to us.",
            [GI_VERDICT_UNKNOWN] = "Check that the code was typed correctly; if you scanned it, "
                                   "please tell us where you saw this product.",
            [GI_VERDICT_MALFORMED] = "Type the code again from the label.",
        },
    .product = "Product",
    .region = "Region of origin",
    .registration = "Registration / announcement",
    .standard = "Standard",
    .operator_name = "Operator",
    .uscc = "Unified social credit code",
    .authorisation = "Right to use the mark",
    .approval_doc = "Approval document",
    .valid_until = "Valid until",
    .auth_status_approved = "valid",
    .auth_status_suspended = "suspended",
    .auth_status_revoked = "revoked",
    .auth_status_expired = "expired",
    .auth_status_pending = "pending review",
    .lot = "Lot",
    .lot_number = "Lot number",
    .harvest_date = "Harvest / production date",
    .production_base = "Production base",
    .inspection_cert = "Inspection certificate",
    .issued_on = "Labels issued on",
    .void_reason = "Reason for cancellation",
    .scans = "Checks of this code",
    .scan_count = "This code has been checked %D times (this check included), first on %s.",
    .scan_first = "This is the first check of this code (%s).",
    .scan_warning = "Caution: this code has recently been checked from more than %D different "
                    "devices. A genuine label is "
                    "usually checked by few people; if this is your first check of this product, "
                    "the label may have been copied.",
    .code_label = "Code",
    .typed_label = "What you entered",
    .typo_hint = "The check character does not match: most likely one character was mistyped.",
    .in_doubt = "If in doubt",
    .in_doubt_text = "Keep the product and your receipt, and tell us where you bought it. Reports "
                     "go to the intellectual property office for inspection.",
    .report_heading = "Report a suspected copy",
    .report_text = "What did you see, and where did you buy it?",
    .report_contact = "Contact (optional)",
    .report_contact_hint = "Phone or e-mail, used only to follow up",
    .report_send = "Send report",
    .report_thanks_title = "Report received",
    .report_thanks_text = "Thank you. Your report is recorded and will be checked by the "
                          "intellectual property office.",
    .report_back = "Back to the result",
    .report_limited_title = "Too many reports",
    .report_limited_text = "You have sent several reports in a short time. Please try again later.",
    .report_invalid_title = "The report was not sent",
    .scans_limited_title = "Too many unknown codes",
    .scans_limited_text = "You have checked many codes we do not know in a short time. Please try "
                          "again later.",
    .enter_code = "Check a code",
    .enter_code_hint = "The 16-character code printed next to the QR code, e.g. "
                       "K7M3-9QX2-HD4T-PW8R",
    .enter_code_send = "Check",
    .home_intro = "Scan the QR code next to the geographical indication mark on the package, or "
                  "type the code from the label below, to check whether it is genuine.",
    .not_found_title = "Page not found",
    .not_found_text = "There is no such page. To check a label, scan its QR code or type its code.",
    .bad_request_title = "Bad request",
    .method_title = "Method not allowed",
    .too_large_title = "Request too large",
    .unsupported_title = "Unsupported content type",
    .busy_title = "Service busy",
    .busy_text = "The verification service could not complete your request. Please try again "
                 "later.",
    .footer = "Geographical indication mark verification service",
    .time_zone = "Beijing time",
    .origin = "Origin",
    .origin_from = "From",
    .origin_village = "Town, village",
    .origin_county = "County",
    .origin_household = "a member household of the cooperative",
    .origin_processor = "a processor",
    .origin_operator = "the operator itself",
    .origin_base = {"a planting base", "a breeding base", "a processing base"},
    .lang_name = "English",
    .lang_menu = "Language",
    .issuer = "Issued by",
    .hotline = "Hotline",
    .website = "Website",
    .emblem_alt = "Geographical indication mark",
    .genuine_sentence = "This is %s produced by %s; its geographical indication mark is valid.",
    .sentence_product_first = 1,
    .warn_since =
        {
            [GI_VERDICT_VOID] = "This label was cancelled on %s.",
            [GI_VERDICT_AUTH_SUSPENDED] =
                "The operator's right to use the mark has been suspended since %s.",
            [GI_VERDICT_AUTH_REVOKED] = "The operator's right to use the mark was revoked on %s.",
            [GI_VERDICT_AUTH_EXPIRED] = "The operator's authorisation expired on %s.",
        },
    .warn_repeat = "Since its first check on %s, %D different devices have checked this code.",
    .date_format = "d-mon-y",
    .photo_alt = "Photo of %s",
};

static const web_strings_t vi = {
    .tag = "vi",
    .param = "vi",
    .switch_to = "中文",
    .site = "Tra cứu nhãn chỉ dẫn địa lý",
    .verdict_title =
        {
            [GI_VERDICT_GENUINE] = "Nhãn chính hãng",
            [GI_VERDICT_GENUINE_REPEATED] =
                "Được tra cứu nhiều bất thường: nhãn có thể bị sao chép",
            [GI_VERDICT_NOT_ACTIVATED] = "Nhãn chưa được kích hoạt",
            [GI_VERDICT_VOID] = "Nhãn đã bị hủy",
            [GI_VERDICT_AUTH_SUSPENDED] = "Quyền sử dụng nhãn đã bị tạm đình chỉ",
            [GI_VERDICT_AUTH_REVOKED] = "Quyền sử dụng nhãn đã bị thu hồi",
            [GI_VERDICT_AUTH_EXPIRED] = "Quyền sử dụng nhãn đã hết hạn",
            [GI_VERDICT_UNKNOWN] = "Không có mã này",
            [GI_VERDICT_MALFORMED] = "Mã không hợp lệ",
        },
    .verdict_text =
        {
            [GI_VERDICT_GENUINE] = "Nhãn này được cơ quan sở hữu trí tuệ đăng ký và cấp cho một "
                                   "cơ sở được phép sử dụng nhãn chỉ dẫn địa lý.",
            [GI_VERDICT_GENUINE_REPEATED] =
                "Mã này có thật nhưng đã được tra cứu nhiều lần. Nếu đây là lần đầu bạn tra cứu "
                "sản phẩm này, nhãn có thể đã bị sao chép.",
            [GI_VERDICT_NOT_ACTIVATED] =
                "Mã này đã được cấp nhưng cơ sở chưa xác nhận đã dán nhãn lên sản phẩm. Cần thận "
                "trọng với nhãn chưa kích hoạt trên sản phẩm đang bán.",
            [GI_VERDICT_VOID] = "Mã này đã bị hủy và không được xuất hiện trên sản phẩm đang bán.",
            [GI_VERDICT_AUTH_SUSPENDED] = "Mã này có thật nhưng quyền sử dụng nhãn chỉ dẫn địa lý "
                                          "của cơ sở hiện đang bị tạm đình chỉ.",
            [GI_VERDICT_AUTH_REVOKED] = "Mã này có thật nhưng quyền sử dụng nhãn chỉ dẫn địa lý "
                                        "của cơ sở đã bị thu hồi.",
            [GI_VERDICT_AUTH_EXPIRED] = "Mã này có thật nhưng giấy phép sử dụng nhãn chỉ dẫn địa "
                                        "lý của cơ sở đã hết hạn.",
            [GI_VERDICT_UNKNOWN] = "Mã này không có trong sổ đăng ký. Nhãn nhiều khả năng là giả.",
            [GI_VERDICT_MALFORMED] = "Đây không phải là mã hợp lệ; có thể đã gõ sai một ký tự.",
        },
    .verdict_advice =
        {
            [GI_VERDICT_GENUINE] =
                "Hãy kiểm tra sản phẩm và cơ sở dưới đây có khớp với bao bì không.",
            [GI_VERDICT_GENUINE_REPEATED] =
                "Hãy kiểm tra thông tin dưới đây có khớp với bao bì không; nếu nghi ngờ, hãy báo "
                "cho chúng tôi.",
            [GI_VERDICT_NOT_ACTIVATED] = "Hãy hỏi người bán, hoặc báo cho chúng tôi.",
            [GI_VERDICT_VOID] = "Đừng coi đây là nhãn chính hãng; hãy cho chúng tôi biết bạn thấy "
                                "sản phẩm này ở đâu.",
            [GI_VERDICT_AUTH_SUSPENDED] =
                "Sản phẩm dán nhãn trong thời gian đình chỉ có thể không đạt tiêu chuẩn. Nếu nghi "
                "ngờ, hãy báo cho chúng tôi.",
            [GI_VERDICT_AUTH_REVOKED] = "Cơ sở này không còn được dùng nhãn. Hãy cho chúng tôi "
                                        "biết bạn thấy sản phẩm này ở đâu.",
            [GI_VERDICT_AUTH_EXPIRED] = "Hãy hỏi người bán; nếu nghi ngờ, hãy báo cho chúng tôi.",
            [GI_VERDICT_UNKNOWN] = "Hãy kiểm tra mã đã nhập đúng chưa; nếu bạn quét mã, hãy cho "
                                   "chúng tôi biết bạn thấy sản phẩm này ở đâu.",
            [GI_VERDICT_MALFORMED] = "Hãy nhập lại mã theo nhãn.",
        },
    .product = "Sản phẩm",
    .region = "Vùng xuất xứ",
    .registration = "Số công bố / đăng ký",
    .standard = "Tiêu chuẩn",
    .operator_name = "Cơ sở sản xuất, kinh doanh",
    .uscc = "Mã tín dụng xã hội thống nhất",
    .authorisation = "Quyền sử dụng nhãn",
    .approval_doc = "Văn bản phê duyệt",
    .valid_until = "Có hiệu lực đến",
    .auth_status_approved = "còn hiệu lực",
    .auth_status_suspended = "tạm đình chỉ",
    .auth_status_revoked = "đã thu hồi",
    .auth_status_expired = "hết hạn",
    .auth_status_pending = "đang xét duyệt",
    .lot = "Lô hàng",
    .lot_number = "Số lô",
    .harvest_date = "Ngày thu hoạch / sản xuất",
    .production_base = "Vùng sản xuất",
    .inspection_cert = "Giấy chứng nhận kiểm nghiệm",
    .issued_on = "Ngày cấp nhãn",
    .void_reason = "Lý do hủy",
    .scans = "Lượt tra cứu mã này",
    .scan_count = "Mã này đã được tra cứu %D lần (kể cả lần này), lần đầu vào %s.",
    .scan_first = "Đây là lần tra cứu đầu tiên của mã này (%s).",
    .scan_warning = "Lưu ý: gần đây mã này đã được tra cứu từ hơn %D thiết bị khác nhau. Nhãn "
                    "chính hãng thường chỉ được ít người tra cứu; nếu đây là lần đầu bạn tra cứu "
                    "sản phẩm này, nhãn có thể đã bị sao chép.",
    .code_label = "Mã",
    .typed_label = "Nội dung bạn nhập",
    .typo_hint = "Ký tự kiểm tra không khớp: nhiều khả năng một ký tự đã bị gõ sai.",
    .in_doubt = "Nếu nghi ngờ",
    .in_doubt_text = "Hãy giữ sản phẩm và hóa đơn, và cho chúng tôi biết bạn mua ở đâu. Báo cáo "
                     "được chuyển đến cơ quan sở hữu trí tuệ để kiểm tra.",
    .report_heading = "Báo cáo nghi ngờ hàng giả",
    .report_text = "Bạn đã thấy gì, và mua ở đâu?",
    .report_contact = "Liên hệ (không bắt buộc)",
    .report_contact_hint = "Điện thoại hoặc thư điện tử, chỉ dùng để liên hệ lại",
    .report_send = "Gửi báo cáo",
    .report_thanks_title = "Đã nhận báo cáo",
    .report_thanks_text = "Cảm ơn bạn. Báo cáo đã được ghi nhận và sẽ được cơ quan sở hữu trí tuệ "
                          "kiểm tra.",
    .report_back = "Quay lại kết quả",
    .report_limited_title = "Gửi quá nhiều báo cáo",
    .report_limited_text = "Bạn đã gửi nhiều báo cáo trong thời gian ngắn. Vui lòng thử lại sau.",
    .report_invalid_title = "Không gửi được báo cáo",
    .scans_limited_title = "Quá nhiều mã không xác định",
    .scans_limited_text =
        "Bạn đã tra cứu nhiều mã không có trong sổ trong thời gian ngắn. Vui lòng "
        "thử lại sau.",
    .enter_code = "Tra cứu mã",
    .enter_code_hint = "Mã 16 ký tự in cạnh mã QR, ví dụ K7M3-9QX2-HD4T-PW8R",
    .enter_code_send = "Tra cứu",
    .home_intro = "Quét mã QR cạnh nhãn chỉ dẫn địa lý trên bao bì, hoặc nhập mã trên nhãn dưới "
                  "đây, để kiểm tra hàng thật.",
    .not_found_title = "Không tìm thấy trang",
    .not_found_text = "Không có trang này. Để kiểm tra nhãn, hãy quét mã QR hoặc nhập mã.",
    .bad_request_title = "Yêu cầu không hợp lệ",
    .method_title = "Phương thức không được hỗ trợ",
    .too_large_title = "Yêu cầu quá lớn",
    .unsupported_title = "Kiểu nội dung không được hỗ trợ",
    .busy_title = "Dịch vụ đang bận",
    .busy_text = "Dịch vụ tra cứu chưa thể xử lý yêu cầu của bạn. Vui lòng thử lại sau.",
    .footer = "Dịch vụ tra cứu nhãn chỉ dẫn địa lý",
    .time_zone = "giờ Bắc Kinh",
    .origin = "Xuất xứ",
    .origin_from = "Từ",
    .origin_village = "Thị trấn, thôn",
    .origin_county = "Huyện",
    .origin_household = "một hộ thành viên của hợp tác xã",
    .origin_processor = "một cơ sở chế biến",
    .origin_operator = "chính cơ sở",
    .origin_base = {"một vùng trồng", "một cơ sở chăn nuôi", "một cơ sở chế biến"},
    .lang_name = "Tiếng Việt",
    .lang_menu = "Ngôn ngữ",
    .issuer = "Cơ quan cấp",
    .hotline = "Đường dây nóng",
    .website = "Trang web",
    .emblem_alt = "Nhãn chỉ dẫn địa lý",
    .genuine_sentence = "Đây là %s do %s sản xuất; nhãn chỉ dẫn địa lý hợp lệ.",
    .sentence_product_first = 1,
    .warn_since =
        {
            [GI_VERDICT_VOID] = "Nhãn này đã bị hủy ngày %s.",
            [GI_VERDICT_AUTH_SUSPENDED] =
                "Quyền sử dụng nhãn của cơ sở bị tạm đình chỉ từ ngày %s.",
            [GI_VERDICT_AUTH_REVOKED] = "Quyền sử dụng nhãn của cơ sở đã bị thu hồi ngày %s.",
            [GI_VERDICT_AUTH_EXPIRED] = "Giấy phép của cơ sở đã hết hạn ngày %s.",
        },
    .warn_repeat =
        "Kể từ lần tra cứu đầu tiên ngày %s, đã có %D thiết bị khác nhau tra cứu mã này.",
    .date_format = "dmy",
    .photo_alt = "Ảnh sản phẩm %s",
};

static const web_strings_t th = {
    .tag = "th",
    .param = "th",
    .switch_to = "中文",
    .site = "ตรวจสอบเครื่องหมายสิ่งบ่งชี้ทางภูมิศาสตร์",
    .verdict_title =
        {
            [GI_VERDICT_GENUINE] = "ฉลากของแท้",
            [GI_VERDICT_GENUINE_REPEATED] = "ถูกตรวจสอบบ่อยผิดปกติ: ฉลากอาจถูกปลอมแปลง",
            [GI_VERDICT_NOT_ACTIVATED] = "ฉลากยังไม่ได้เปิดใช้งาน",
            [GI_VERDICT_VOID] = "ฉลากถูกยกเลิกแล้ว",
            [GI_VERDICT_AUTH_SUSPENDED] = "สิทธิ์ใช้เครื่องหมายถูกระงับ",
            [GI_VERDICT_AUTH_REVOKED] = "สิทธิ์ใช้เครื่องหมายถูกเพิกถอน",
            [GI_VERDICT_AUTH_EXPIRED] = "สิทธิ์ใช้เครื่องหมายหมดอายุ",
            [GI_VERDICT_UNKNOWN] = "ไม่พบรหัสนี้",
            [GI_VERDICT_MALFORMED] = "รหัสไม่ถูกต้อง",
        },
    .verdict_text =
        {
            [GI_VERDICT_GENUINE] = "ฉลากนี้ลงทะเบียนกับหน่วยงานทรัพย์สินทางปัญญา "
                                   "และออกให้ผู้ประกอบการที่ได้รับอนุญาตให้ใช้เครื่องหมายสิ่งบ่งชี้ทาง"
                                   "ภูมิศาสตร์",
            [GI_VERDICT_GENUINE_REPEATED] = "รหัสนี้มีอยู่จริง แต่ถูกตรวจสอบหลายครั้งแล้ว "
                                            "หากนี่เป็นการตรวจสอบสินค้านี้ครั้งแรกของคุณ ฉลากอาจถูกปลอมแปลง",
            [GI_VERDICT_NOT_ACTIVATED] = "รหัสนี้ออกแล้ว แต่ผู้ประกอบการยังไม่ได้ยืนยันว่าติดฉลากบนสินค้าแล้ว "
                                         "ฉลากที่ยังไม่เปิดใช้งานบนสินค้าที่วางขายควรระวัง",
            [GI_VERDICT_VOID] = "รหัสนี้ถูกยกเลิกแล้ว ไม่ควรอยู่บนสินค้าที่วางขาย",
            [GI_VERDICT_AUTH_SUSPENDED] = "รหัสนี้มีอยู่จริง แต่สิทธิ์ใช้เครื่องหมายของผู้ประกอบการถูกระงับอยู่ในขณะนี้",
            [GI_VERDICT_AUTH_REVOKED] = "รหัสนี้มีอยู่จริง แต่สิทธิ์ใช้เครื่องหมายของผู้ประกอบการถูกเพิกถอนแล้ว",
            [GI_VERDICT_AUTH_EXPIRED] = "รหัสนี้มีอยู่จริง แต่การอนุญาตให้ใช้เครื่องหมายของผู้ประกอบการหมดอายุแล้ว",
            [GI_VERDICT_UNKNOWN] = "ไม่มีรหัสนี้ในทะเบียน ฉลากน่าจะเป็นของปลอม",
            [GI_VERDICT_MALFORMED] = "นี่ไม่ใช่รหัสที่ถูกต้อง อาจพิมพ์ตัวอักษรผิดหนึ่งตัว",
        },
    .verdict_advice =
        {
            [GI_VERDICT_GENUINE] = "โปรดตรวจว่าสินค้าและผู้ประกอบการด้านล่างตรงกับบรรจุภัณฑ์",
            [GI_VERDICT_GENUINE_REPEATED] = "โปรดตรวจว่าข้อมูลด้านล่างตรงกับบรรจุภัณฑ์ หากสงสัย โปรดแจ้งเรา",
            [GI_VERDICT_NOT_ACTIVATED] = "โปรดสอบถามผู้ขาย หรือแจ้งเรา",
            [GI_VERDICT_VOID] = "อย่าถือว่าเป็นฉลากของแท้ โปรดแจ้งเราว่าพบสินค้านี้ที่ใด",
            [GI_VERDICT_AUTH_SUSPENDED] =
                "สินค้าที่ติดฉลากระหว่างถูกระงับอาจไม่ได้มาตรฐาน หากสงสัย โปรดแจ้งเรา",
            [GI_VERDICT_AUTH_REVOKED] = "ผู้ประกอบการนี้ไม่มีสิทธิ์ใช้เครื่องหมายแล้ว โปรดแจ้งเราว่าพบสินค้านี้ที่ใด",
            [GI_VERDICT_AUTH_EXPIRED] = "โปรดสอบถามผู้ขาย หากสงสัย โปรดแจ้งเรา",
            [GI_VERDICT_UNKNOWN] = "โปรดตรวจว่าพิมพ์รหัสถูกต้อง หากสแกนได้ผลนี้ "
                                   "โปรดแจ้งเราว่าพบสินค้านี้ที่ใด",
            [GI_VERDICT_MALFORMED] = "โปรดพิมพ์รหัสจากฉลากอีกครั้ง",
        },
    .product = "สินค้า",
    .region = "แหล่งกำเนิด",
    .registration = "เลขประกาศ / ทะเบียน",
    .standard = "มาตรฐาน",
    .operator_name = "ผู้ประกอบการ",
    .uscc = "รหัสเครดิตสังคมแบบรวม",
    .authorisation = "สิทธิ์ใช้เครื่องหมาย",
    .approval_doc = "เอกสารอนุมัติ",
    .valid_until = "ใช้ได้ถึง",
    .auth_status_approved = "ใช้ได้",
    .auth_status_suspended = "ถูกระงับ",
    .auth_status_revoked = "ถูกเพิกถอน",
    .auth_status_expired = "หมดอายุ",
    .auth_status_pending = "รอพิจารณา",
    .lot = "ล็อต",
    .lot_number = "เลขล็อต",
    .harvest_date = "วันเก็บเกี่ยว / ผลิต",
    .production_base = "แหล่งผลิต",
    .inspection_cert = "ใบรับรองผลการตรวจ",
    .issued_on = "วันที่ออกฉลาก",
    .void_reason = "เหตุผลที่ยกเลิก",
    .scans = "การตรวจสอบรหัสนี้",
    .scan_count = "รหัสนี้ถูกตรวจสอบแล้ว %D ครั้ง (รวมครั้งนี้) ครั้งแรกเมื่อ %s",
    .scan_first = "นี่เป็นการตรวจสอบรหัสนี้ครั้งแรก (%s)",
    .scan_warning = "ข้อควรระวัง: ระยะหลังรหัสนี้ถูกตรวจสอบจากอุปกรณ์มากกว่า %D เครื่อง "
                    "ฉลากของแท้มักถูกตรวจสอบโดยคนไม่กี่คน "
                    "หากนี่เป็นการตรวจสอบสินค้านี้ครั้งแรกของคุณ ฉลากอาจถูกปลอมแปลง",
    .code_label = "รหัส",
    .typed_label = "สิ่งที่คุณพิมพ์",
    .typo_hint = "ตัวตรวจสอบไม่ตรงกัน น่าจะพิมพ์ผิดหนึ่งตัว",
    .in_doubt = "หากสงสัย",
    .in_doubt_text = "โปรดเก็บสินค้าและใบเสร็จไว้ และแจ้งเราว่าซื้อที่ใด "
                     "รายงานจะส่งต่อให้หน่วยงานทรัพย์สินทางปัญญาตรวจสอบ",
    .report_heading = "แจ้งสงสัยสินค้าปลอม",
    .report_text = "คุณเห็นอะไร และซื้อที่ใด",
    .report_contact = "ช่องทางติดต่อ (ไม่บังคับ)",
    .report_contact_hint = "โทรศัพท์หรืออีเมล ใช้เพื่อติดต่อกลับเท่านั้น",
    .report_send = "ส่งรายงาน",
    .report_thanks_title = "ได้รับรายงานแล้ว",
    .report_thanks_text = "ขอบคุณ รายงานของคุณถูกบันทึกแล้ว "
                          "และจะได้รับการตรวจสอบโดยหน่วยงานทรัพย์สินทางปัญญา",
    .report_back = "กลับไปที่ผลการตรวจ",
    .report_limited_title = "ส่งรายงานบ่อยเกินไป",
    .report_limited_text = "คุณส่งรายงานหลายครั้งในเวลาสั้น ๆ โปรดลองใหม่ภายหลัง",
    .report_invalid_title = "ส่งรายงานไม่สำเร็จ",
    .scans_limited_title = "รหัสที่ไม่รู้จักมากเกินไป",
    .scans_limited_text = "คุณตรวจสอบรหัสที่ไม่มีในทะเบียนหลายรหัสในเวลาสั้น ๆ โปรดลองใหม่ภายหลัง",
    .enter_code = "ตรวจสอบรหัส",
    .enter_code_hint = "รหัส 16 ตัวที่พิมพ์ข้างคิวอาร์โค้ด เช่น K7M3-9QX2-HD4T-PW8R",
    .enter_code_send = "ตรวจสอบ",
    .home_intro = "สแกนคิวอาร์โค้ดข้างเครื่องหมายสิ่งบ่งชี้ทางภูมิศาสตร์บนบรรจุภัณฑ์ "
                  "หรือพิมพ์รหัสจากฉลากด้านล่าง เพื่อตรวจสอบว่าเป็นของแท้",
    .not_found_title = "ไม่พบหน้านี้",
    .not_found_text = "ไม่มีหน้านี้ หากต้องการตรวจสอบฉลาก โปรดสแกนคิวอาร์โค้ดหรือพิมพ์รหัส",
    .bad_request_title = "คำขอไม่ถูกต้อง",
    .method_title = "ไม่รองรับวิธีการนี้",
    .too_large_title = "คำขอมีขนาดใหญ่เกินไป",
    .unsupported_title = "ไม่รองรับชนิดเนื้อหานี้",
    .busy_title = "บริการไม่ว่าง",
    .busy_text = "บริการตรวจสอบยังดำเนินการตามคำขอของคุณไม่ได้ โปรดลองใหม่ภายหลัง",
    .footer = "บริการตรวจสอบเครื่องหมายสิ่งบ่งชี้ทางภูมิศาสตร์",
    .time_zone = "เวลาปักกิ่ง",
    .origin = "แหล่งที่มา",
    .origin_from = "จาก",
    .origin_village = "ตำบล หมู่บ้าน",
    .origin_county = "อำเภอ",
    .origin_household = "ครัวเรือนสมาชิกของสหกรณ์",
    .origin_processor = "ผู้แปรรูป",
    .origin_operator = "ผู้ประกอบการเอง",
    .origin_base = {"แหล่งเพาะปลูก", "แหล่งเพาะเลี้ยง", "แหล่งแปรรูป"},
    .lang_name = "ไทย",
    .lang_menu = "ภาษา",
    .issuer = "ผู้ออกฉลาก",
    .hotline = "สายด่วน",
    .website = "เว็บไซต์",
    .emblem_alt = "เครื่องหมายสิ่งบ่งชี้ทางภูมิศาสตร์",
    .genuine_sentence = "นี่คือ%s ผลิตโดย %s เครื่องหมายสิ่งบ่งชี้ทางภูมิศาสตร์ใช้ได้",
    .sentence_product_first = 1,
    .warn_since =
        {
            [GI_VERDICT_VOID] = "ฉลากนี้ถูกยกเลิกเมื่อ %s",
            [GI_VERDICT_AUTH_SUSPENDED] = "สิทธิ์ใช้เครื่องหมายของผู้ประกอบการถูกระงับตั้งแต่ %s",
            [GI_VERDICT_AUTH_REVOKED] = "สิทธิ์ใช้เครื่องหมายของผู้ประกอบการถูกเพิกถอนเมื่อ %s",
            [GI_VERDICT_AUTH_EXPIRED] = "การอนุญาตของผู้ประกอบการหมดอายุเมื่อ %s",
        },
    .warn_repeat = "นับตั้งแต่การตรวจสอบครั้งแรกเมื่อ %s มีอุปกรณ์ %D เครื่องตรวจสอบรหัสนี้",
    .date_format = "dmy",
    .photo_alt = "ภาพสินค้า %s",
};

const web_strings_t *web_strings(web_lang_t lang)
{
    switch (lang) {
    case WEB_LANG_EN:
        return &en;
    case WEB_LANG_VI:
        return &vi;
    case WEB_LANG_TH:
        return &th;
    default:
        return &zh;
    }
}

web_lang_t web_lang_desk(web_lang_t lang)
{
    return lang == WEB_LANG_ZH ? WEB_LANG_ZH : WEB_LANG_EN;
}

/* The value of n digits at s, or -1 when one is not a digit. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Appends v in decimal, at least width digits, at out + *used (of 48). */
static void put_num(char *out, size_t *used, int v, int width)
{
    char d[12];
    int n = 0;
    do
        d[n++] = (char)('0' + v % 10);
    while ((v /= 10) > 0 && n < (int)sizeof d);
    while (n < width && n < (int)sizeof d)
        d[n++] = '0';
    while (n > 0 && *used < 47)
        out[(*used)++] = d[--n];
    out[*used] = '\0';
}

static void put_str(char *out, size_t *used, const char *s)
{
    while (*s && *used < 47)
        out[(*used)++] = *s++;
    out[*used] = '\0';
}

/* Writes the date y-m-d in the reader's form (47 bytes at most). */
static void local_day(const web_strings_t *t, int y, int m, int d, char out[48])
{
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    size_t used = 0;
    out[0] = '\0';
    if (strcmp(t->date_format, "ymd-zh") == 0) {
        put_num(out, &used, y, 1);
        put_str(out, &used, "\u5e74");
        put_num(out, &used, m, 1);
        put_str(out, &used, "\u6708");
        put_num(out, &used, d, 1);
        put_str(out, &used, "\u65e5");
    } else if (strcmp(t->date_format, "d-mon-y") == 0) {
        put_num(out, &used, d, 1);
        put_str(out, &used, " ");
        put_str(out, &used, months[m - 1]);
        put_str(out, &used, " ");
        put_num(out, &used, y, 1);
    } else {
        put_num(out, &used, d, 2);
        put_str(out, &used, "/");
        put_num(out, &used, m, 2);
        put_str(out, &used, "/");
        put_num(out, &used, y, 1);
    }
}

/* The consumer page shows dates on every scan: parsed and written by hand,
 * not by sscanf and snprintf. */
void web_local_date(const web_strings_t *t, const char *ymd, char out[48])
{
    size_t used = 0;
    out[0] = '\0';
    int y = -1, m = -1, d = -1;
    if (ymd && strlen(ymd) == 10 && ymd[4] == '-' && ymd[7] == '-') {
        y = digits(ymd, 4);
        m = digits(ymd + 5, 2);
        d = digits(ymd + 8, 2);
    }
    if (y < 0 || m < 1 || m > 12 || d < 1 || d > 31) {
        put_str(out, &used, ymd ? ymd : "");
        return;
    }
    local_day(t, y, m, d, out);
}

void web_local_moment(const web_strings_t *t, int64_t when, char out[64])
{
    out[0] = '\0';
    if (!when)
        return;
    gi_tm_t tm;
    gi_tm_of(when + GI_CST_OFFSET, &tm);
    local_day(t, tm.year % 10000, tm.month, tm.day, out);
    size_t n = strlen(out);
    const char hm[] = {' ', (char)('0' + tm.hour / 10),   (char)('0' + tm.hour % 10),
                       ':', (char)('0' + tm.minute / 10), (char)('0' + tm.minute % 10),
                       '\0'};
    memcpy(out + n, hm, sizeof hm);
}

static const web_portal_text_t portal_zh = {
    .brand = "地理标志专用标志管理",
    .sign_in = "登录",
    .username = "用户名",
    .password = "密码",
    .sign_out = "退出登录",
    .signed_in_as = "当前用户",
    .bad_login = "用户名或密码错误。",
    .too_many_logins = "登录尝试过多，请稍后再试。",
    .form_expired = "表单已过期，请刷新页面后重试。",
    .forbidden = "您的账户无权执行此操作。",
    .not_found = "没有找到该记录。",
    .operator_desk_title = "经营者工作台",
    .my_auths = "我的专用标志使用授权",
    .status = "状态",
    .quota = "年度配额",
    .used = "本年已用",
    .left = "剩余",
    .request_title = "申请标签",
    .count = "标签数量",
    .request_button = "提交申请",
    .requested_ok = "申请已提交，等待审批。",
    .my_batches = "我的标签批次",
    .batch = "批次",
    .labels = "标签数",
    .download = "下载印刷文件",
    .activate = "确认已贴标",
    .reports_title = "关于我的标签的举报",
    .none = "暂无。",
    .batch_status = {"待审批", "已批准", "已驳回", "已发放", "已启用", "已作废"},
    .admin_title = "监管工作台",
    .progress = "使用专用标志的经营者",
    .target_of = "目标",
    .products = "地理标志产品",
    .operators = "经营者",
    .waiting_batches = "待处理的标签批次",
    .own_request = "由您申请，须由另一账户审批",
    .waiting_auths = "待审核的使用授权",
    .approve = "批准",
    .reject = "驳回",
    .issue = "发放标签",
    .note = "意见",
    .done = "已完成。",
    .scans_per_day = "近 30 天每日查询次数",
    .verdict_mix = "近 30 天查验结果分布",
    .labels_per_month = "近 12 个月每月发放标签",
    .total = "合计",
    .busiest = "最多",
    .anomalies = "异常",
    .unknown_inputs = "查无此码的输入（近 30 天）",
    .repeated_codes = "查询设备数超过阈值的编码",
    .suspect_scans = "不应在售标签的查询（近 30 天）",
    .nav_dashboard = "概览",
    .nav_auths = "使用授权",
    .nav_batches = "标签批次",
    .nav_register = "登记",
    .nav_reports = "举报",
    .nav_audit = "审计日志",
    .suspend = "暂停",
    .reinstate = "恢复",
    .revoke = "撤销",
    .reason = "理由",
    .csv = "导出 CSV",
    .add_product = "登记地理标志产品",
    .add_operator = "登记经营者",
    .name_zh = "中文名称",
    .name_en = "英文名称",
    .region_code = "行政区划代码",
    .kind = "类型",
    .contact = "联系方式",
    .gtin = "商品条码（GTIN）",
    .add = "登记",
    .gtin_reason = "变更商品条码的理由（已印标签保留原条码）",
    .triage = "处理",
    .mark_triaged = "标记为已受理",
    .close_report = "办结",
    .when = "时间",
    .text = "内容",
    .chain_ok = "审计链校验通过",
    .chain_broken = "审计链校验失败",
    .chain_scoped = "审计链按全部记录整体校验；下表只列出您辖区内的记录，辖区代码",
    .figures_scoped = "以上数字只计您辖区内的产品、经营者和授权，辖区代码",
    .actor = "操作人",
    .action = "操作",
    .record = "对象",
    .void_labels = "作废标签",
    .void_codes_hint = "要作废的编码（每行一个；留空则作废整批）",
    .edit = "修改",
    .save = "保存",
    .print_options = "其他格式与码制",
    .print_approval_no = "印上核准文号",
    .print_bleed = "出血（毫米，仅 PDF）",
    .print_cut_contour = "模切线单独专色（仅 PDF）",
    .print_pdf_parts = "标签多的 PDF 分成若干份（每份整版），打包为一个 ZIP 下载，每份最多标签数：",
    .file_format = "文件格式",
    .symbology = "码制",
    .label_size = "标签尺寸（毫米，宽 × 高）",
    .actions = "办理",
    .detail = "详情",
};

static const web_portal_text_t portal_en = {
    .brand = "GI mark administration",
    .sign_in = "Sign in",
    .username = "Username",
    .password = "Password",
    .sign_out = "Sign out",
    .signed_in_as = "Signed in as",
    .bad_login = "Wrong username or password.",
    .too_many_logins = "Too many sign-in attempts; please try again later.",
    .form_expired = "This form has expired; reload the page and try again.",
    .forbidden = "Your account may not do this.",
    .not_found = "No such record.",
    .operator_desk_title = "Operator desk",
    .my_auths = "My authorisations to use the mark",
    .status = "Status",
    .quota = "Yearly quota",
    .used = "Used this year",
    .left = "Left",
    .request_title = "Request labels",
    .count = "Number of labels",
    .request_button = "Send request",
    .requested_ok = "Request sent; it awaits approval.",
    .my_batches = "My label batches",
    .batch = "Batch",
    .labels = "Labels",
    .download = "Download print file",
    .activate = "Mark as applied",
    .reports_title = "Reports about my labels",
    .none = "None.",
    .batch_status = {"requested", "approved", "rejected", "issued", "activated", "voided"},
    .admin_title = "Regulator desk",
    .progress = "Operators using the mark",
    .target_of = "target",
    .products = "GI products",
    .operators = "Operators",
    .waiting_batches = "Batches waiting",
    .own_request = "requested by you: another account approves it",
    .waiting_auths = "Authorisations waiting",
    .approve = "Approve",
    .reject = "Reject",
    .issue = "Issue labels",
    .note = "Note",
    .done = "Done.",
    .scans_per_day = "Scans per day, last 30 days",
    .verdict_mix = "Verdicts, last 30 days",
    .labels_per_month = "Labels issued per month, last 12 months",
    .total = "total",
    .busiest = "most",
    .anomalies = "Anomalies",
    .unknown_inputs = "Inputs that named no label (30 days)",
    .repeated_codes = "Codes checked from more devices than the threshold",
    .suspect_scans = "Scans of labels that should not be on sale (30 days)",
    .nav_dashboard = "Dashboard",
    .nav_auths = "Authorisations",
    .nav_batches = "Batches",
    .nav_register = "Register",
    .nav_reports = "Reports",
    .nav_audit = "Audit log",
    .suspend = "Suspend",
    .reinstate = "Reinstate",
    .revoke = "Revoke",
    .reason = "Reason",
    .csv = "Export CSV",
    .add_product = "Record a GI product",
    .add_operator = "Record an operator",
    .name_zh = "Name (Chinese)",
    .name_en = "Name (English)",
    .region_code = "Region code",
    .kind = "Kind",
    .contact = "Contact",
    .gtin = "GTIN",
    .add = "Record",
    .gtin_reason = "Reason for a GTIN change (printed labels keep their GTIN)",
    .triage = "Triage",
    .mark_triaged = "Mark as triaged",
    .close_report = "Close",
    .when = "When",
    .text = "Text",
    .chain_ok = "The audit chain verifies",
    .chain_broken = "The audit chain does not verify",
    .figures_scoped = "These figures count the products, operators and authorisations of your "
                      "region only, region code",
    .chain_scoped = "The chain is verified as a whole, over every row; the list below shows only "
                    "the rows of your region, code",
    .actor = "Who",
    .action = "What",
    .record = "Record",
    .void_labels = "Void labels",
    .void_codes_hint = "Codes to void, one a line (leave empty to void the whole batch)",
    .edit = "Edit",
    .save = "Save",
    .print_options = "Other formats and symbols",
    .print_approval_no = "Print the approval document number",
    .print_bleed = "Bleed (mm, PDF only)",
    .print_cut_contour = "Die-cut outline as the spot colour CutContour (PDF only)",
    .print_pdf_parts = "A PDF of many labels comes as one ZIP of PDF parts (whole sheets each), "
                       "labels a part at most:",
    .file_format = "File format",
    .symbology = "Symbology",
    .label_size = "Label size (mm, width x height)",
    .actions = "Actions",
    .detail = "Details",
};

static const web_supervision_text_t supervision_zh = {
    .nav = "分级分类监管",
    .grades_title = "信用风险分类",
    .internal = "信用风险分类结果仅供监管部门内部使用，不向经营者和社会公开。",
    .as_of = "截至日期",
    .show = "查看",
    .class_name = "类别",
    .points = "分值",
    .derived = "按记录推定",
    .imported = "外部导入",
    .source = "来源",
    .rule = "规则",
    .weight = "权重",
    .facts = "事实数",
    .evidence = "证据",
    .window_days = "统计期（天）",
    .draws_title = "双随机抽查",
    .draw = "抽取",
    .ratios = "各类抽取比例（%）",
    .exclude_inspected = "排除本年度已由本机关检查的经营者",
    .inspectors_per_target = "每个检查对象的检查人员数",
    .seed = "随机种子",
    .seed_hint = "留空则随机生成；填入以往的种子可复现同一人群的抽取结果",
    .office = "抽查机关辖区",
    .year = "年度",
    .targets = "抽取对象",
    .population = "抽取范围",
    .plan = "抽查计划",
    .draw_title = "抽取记录",
    .inspections_title = "检查记录",
    .date = "检查日期",
    .body = "检查机关",
    .result = "检查结果",
    .rectify_by = "整改期限",
    .publish = "导出公示文件（CSV）",
    .publish_hint = "导出即记录公示日期；文件不含检查人员、证据材料和信用类别。",
    .items_title = "检查事项清单",
    .legal_basis = "法律依据",
    .inspectors_title = "执法检查人员名录",
    .name = "姓名",
    .cert_no = "执法证号",
    .field = "执法领域",
    .conflicts = "申报回避",
    .operator_name = "经营者",
    .uscc = "统一社会信用代码",
    .product = "产品",
    .published = "公示时间",
    .record = "记录检查结果",
    .draw_id = "抽取编号（可空）",
    .operator_id = "经营者编号",
    .product_id = "产品编号（可空）",
    .inspector_ids = "检查人员编号（逗号分隔，至少两名）",
    .checks = "检查事项",
    .check_names = {"专用标志与统一社会信用代码同时标注", "在核准范围内使用", "原材料来源",
                    "符合产品标准", "标志出入库台账", "无转让、伪造、冒用"},
    .result_names = {"未发现问题", "责令限期整改", "无法取得联系", "拒绝检查", "其他"},
    .check_marks = {"合格", "不合格", "不涉及"},
};

static const web_supervision_text_t supervision_en = {
    .nav = "Supervision",
    .grades_title = "Credit classes",
    .internal = "Credit classes are for the regulators' own use; they are never shown to "
                "operators or the public.",
    .as_of = "As of",
    .show = "Show",
    .class_name = "Class",
    .points = "Points",
    .derived = "Derived",
    .imported = "Imported",
    .source = "Source",
    .rule = "Rule",
    .weight = "Weight",
    .facts = "Facts",
    .evidence = "Evidence",
    .window_days = "Window (days)",
    .draws_title = "Random inspections",
    .draw = "Draw",
    .ratios = "Ratio of each class (%)",
    .exclude_inspected = "Leave out operators this office inspected this year",
    .inspectors_per_target = "Inspectors per target",
    .seed = "Seed",
    .seed_hint = "Empty: a fresh random seed; an earlier seed repeats its draw on the same "
                 "population",
    .office = "Office's region",
    .year = "Year",
    .targets = "Targets",
    .population = "Population",
    .plan = "Plan",
    .draw_title = "Draw",
    .inspections_title = "Inspections",
    .date = "Date",
    .body = "Inspecting body",
    .result = "Result",
    .rectify_by = "Rectify by",
    .publish = "Export for publication (CSV)",
    .publish_hint = "Exporting records the publication date; the file holds no inspectors, "
                    "evidence or credit classes.",
    .items_title = "Inspection items",
    .legal_basis = "Legal basis",
    .inspectors_title = "Inspectors",
    .name = "Name",
    .cert_no = "Certificate no.",
    .field = "Field",
    .conflicts = "Declared conflicts",
    .operator_name = "Operator",
    .uscc = "USCC",
    .product = "Product",
    .published = "Published",
    .record = "Record an inspection",
    .draw_id = "Draw no. (optional)",
    .operator_id = "Operator no.",
    .product_id = "Product no. (optional)",
    .inspector_ids = "Inspector nos. (comma-separated, two or more)",
    .checks = "Checklist",
    .check_names = {"Mark printed with the USCC", "Use within the approved scope",
                    "Raw material source", "Conformity to the standard", "Label in/out records",
                    "No transfer or counterfeiting"},
    .result_names = {"No problem", "Rectify by a date", "Cannot be contacted", "Refused", "Other"},
    .check_marks = {"Pass", "Fail", "Not applicable"},
};

const web_supervision_text_t *web_supervision_text(web_lang_t lang)
{
    return lang == WEB_LANG_EN ? &supervision_en : &supervision_zh;
}

const web_portal_text_t *web_portal_text(web_lang_t lang)
{
    return lang == WEB_LANG_EN ? &portal_en : &portal_zh;
}

static int lang_of(const char *tag, size_t n, web_lang_t *out)
{
    if (n >= 2 && strncasecmp(tag, "zh", 2) == 0 && (n == 2 || tag[2] == '-')) {
        *out = WEB_LANG_ZH;
        return 1;
    }
    if (n >= 2 && strncasecmp(tag, "en", 2) == 0 && (n == 2 || tag[2] == '-')) {
        *out = WEB_LANG_EN;
        return 1;
    }
    if (n >= 2 && strncasecmp(tag, "vi", 2) == 0 && (n == 2 || tag[2] == '-')) {
        *out = WEB_LANG_VI;
        return 1;
    }
    if (n >= 2 && strncasecmp(tag, "th", 2) == 0 && (n == 2 || tag[2] == '-')) {
        *out = WEB_LANG_TH;
        return 1;
    }
    return 0;
}

/* Quality of an Accept-Language entry's parameters: q=0.5 -> 500 (0..1000). */
static int quality(const char *params, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++) {
        if ((params[i] == 'q' || params[i] == 'Q') && params[i + 1] == '=') {
            int q = 0, scale = 1000, seen_point = 0;
            for (size_t j = i + 2; j < n; j++) {
                char c = params[j];
                if (c == '.' && !seen_point)
                    seen_point = 1;
                else if (c >= '0' && c <= '9' && !seen_point)
                    q = c == '1' ? 1000 : 0;
                else if (c >= '0' && c <= '9' && scale > 1)
                    q += (c - '0') * (scale /= 10);
                else if (c != ' ')
                    break;
            }
            return q > 1000 ? 1000 : q;
        }
    }
    return 1000;
}

web_lang_t web_lang_pick(const char *lang_param, const char *accept_language)
{
    web_lang_t lang;
    if (lang_param && lang_of(lang_param, strlen(lang_param), &lang))
        return lang;
    web_lang_t best = WEB_LANG_ZH;
    int best_q = 0;
    const char *p = accept_language;
    for (int entries = 0; p && *p && entries < 32; entries++) {
        size_t len = strcspn(p, ",");
        while (len && *p == ' ') {
            p++;
            len--;
        }
        size_t tag_len = strcspn(p, ";, ");
        if (tag_len > len)
            tag_len = len;
        int q = quality(p + tag_len, len - tag_len);
        if (q > best_q && lang_of(p, tag_len, &lang)) {
            best = lang;
            best_q = q;
        }
        p += len;
        if (*p == ',')
            p++;
    }
    return best;
}

/* --- use reports and output value (web/portal_usage.c) --- */

static const web_usage_text_t usage_zh = {
    .nav_usage = "使用情况报送",
    .nav_output = "产值统计",
    .usage_title = "专用标志使用情况报送",
    .file_title = "报送使用情况",
    .period = "报送期",
    .period_hint = "年度如 2025，半年度如 2025-H1，季度如 2025-Q3；报送期结束后报送",
    .produced = "产量",
    .sold = "使用专用标志销售量",
    .unit = "计量单位",
    .value_yuan = "销售额（元）",
    .value_hint = "元，最多两位小数；以分为单位保存",
    .received = "领取标志数",
    .used = "使用标志数",
    .voided = "作废标志数",
    .application = "专用标志使用方式",
    .file_button = "报送",
    .version = "版本",
    .superseded = "已被新版本取代",
    .status_filed = "待审核",
    .status_accepted = "已采纳",
    .status_returned = "已退回",
    .reported = "经营者报送",
    .known = "系统记录",
    .known_basis = "系统记录来自本经营者该产品标志的发放批次和扫码记录；使用标志数超过截至报送期末"
                   "已发放标志数时标记。",
    .issued_in_period = "报送期内发放",
    .issued_by_end = "截至期末累计发放",
    .activated = "报送期内启用",
    .scanned = "报送期内扫码",
    .flag_over = "报告的使用标志数多于已发放的标志数",
    .accept = "采纳",
    .return_report = "退回",
    .note = "备注",
    .reason = "退回原因",
    .decision = "审核",
    .versions = "历次版本",
    .filed_at = "报送时间",
    .missing_title = "未报送与未使用",
    .missing_heading = "报送期结束后未报送的经营者",
    .missing_basis = "报送期内持有有效授权、未报送任何版本的经营者。",
    .idle_heading = "连续两年未发放标志的经营者",
    .idle_basis = "截至今日授权有效、批准已满两年、两年内没有发放标志的授权。",
    .not_closed = "该报送期尚未结束",
    .show = "查看",
    .output_title = "地理标志产品直接产值",
    .year = "年度",
    .by = "分组",
    .by_product = "按产品",
    .by_region = "按市县",
    .by_operator = "按经营者",
    .output_value = "直接产值（元）",
    .output_basis = "已采纳使用情况报告销售额之和（每个经营者、产品、报送期取最新的已采纳版本），不"
                    "接受手工填报。",
    .received_expected = "已收报告 / 应收报告",
    .coverage = "报送覆盖率",
    .coverage_source = "分母：报送期内持有有效授权的经营者与产品（按报送周期设置，每期一份）；分子"
                       "：其中已采纳的报告。",
    .per_user = "户均产值（元）",
    .users = "报告经营者",
    .yoy = "同比",
    .yoy_basis = "同口径：仅比较两年均有已采纳报告的经营者与产品。",
    .no_yoy = "无可比数据",
    .pairs = "可比经营者与产品",
    .reports = "报告数",
    .operators = "经营者数",
    .previous = "上年",
    .city = "市",
    .county = "县（区）",
};

static const web_usage_text_t usage_en = {
    .nav_usage = "Use reports",
    .nav_output = "Output value",
    .usage_title = "Use reports of the GI mark",
    .file_title = "File a use report",
    .period = "Period",
    .period_hint = "A year (2025), half-year (2025-H1) or quarter (2025-Q3), filed after it closes",
    .produced = "Volume produced",
    .sold = "Volume sold under the mark",
    .unit = "Unit",
    .value_yuan = "Sales value (yuan)",
    .value_hint = "Yuan, at most two decimals; stored in fen",
    .received = "Labels received",
    .used = "Labels used",
    .voided = "Labels voided",
    .application = "How the mark was applied",
    .file_button = "File",
    .version = "Version",
    .superseded = "superseded by a newer version",
    .status_filed = "awaiting review",
    .status_accepted = "accepted",
    .status_returned = "returned",
    .reported = "Reported by the operator",
    .known = "What gimark records",
    .known_basis =
        "From this operator's batches and scans of its labels of this product; labels used is "
        "flagged when it exceeds the labels issued to it by the end of the period.",
    .issued_in_period = "Issued in the period",
    .issued_by_end = "Issued by the period's end",
    .activated = "Activated in the period",
    .scanned = "Scans in the period",
    .flag_over = "The report claims more labels used than were ever issued",
    .accept = "Accept",
    .return_report = "Return",
    .note = "Note",
    .reason = "Reason",
    .decision = "Decision",
    .versions = "Versions",
    .filed_at = "Filed",
    .missing_title = "Not reported, not used",
    .missing_heading = "Operators that did not report for the closed period",
    .missing_basis = "Operators with an authorisation in force during the period and no version of "
                     "a report for it.",
    .idle_heading = "Operators that issued no labels for two years",
    .idle_basis = "Authorisations in force today, approved two years ago or more, with no batch of "
                  "labels issued in those two years.",
    .not_closed = "That period has not closed yet",
    .show = "Show",
    .output_title = "Direct output value of GI mark users",
    .year = "Year",
    .by = "Group by",
    .by_product = "By product",
    .by_region = "By city and county",
    .by_operator = "By operator",
    .output_value = "Output value (yuan)",
    .output_basis = "The sum of the sales values of accepted use reports (the newest accepted "
                    "version of each operator, product and period of the year); nothing typed in.",
    .received_expected = "Reports received / reports expected",
    .coverage = "Coverage",
    .coverage_source =
        "Denominator: authorisations in force during each period of the year (one report each, per "
        "the report-period setting); numerator: those with an accepted report.",
    .per_user = "Value per user (yuan)",
    .users = "Operators reporting",
    .yoy = "Year on year",
    .yoy_basis = "Same basis: only operator/product pairs with accepted reports in both years.",
    .no_yoy = "No comparable pair",
    .pairs = "Comparable pairs",
    .reports = "Reports",
    .operators = "Operators",
    .previous = "Previous year",
    .city = "City",
    .county = "County",
};

const web_usage_text_t *web_usage_text(web_lang_t lang)
{
    return lang == WEB_LANG_EN ? &usage_en : &usage_zh;
}

static const web_annual_text_t annual_zh = {
    .nav = "年度监管报告",
    .title = "地理标志专用标志使用监管年度报告",
    .year = "年度",
    .show = "查看",
    .closed = "已结账：本报告取自结账时保存的数据，不再变化",
    .open = "未结账：数据随登记记录变化；次年1月1日起可在命令行结账：",
    .csv = "下载 CSV",
    .pdf = "下载 PDF",
    .save = "保存",
    .not_written = "（未填写）",
    .edit_hint = "以下各节由本局填写，结账前可修改，每次修改记入审计日志。",
    .closed_hint = "本年度已结账，文字部分不能再修改。",
    .scope = "统计范围（行政区划代码前缀）",
    .sections = {"行政保护和执法", "标准", "检验检测", "宣传", "培训"},
};

static const web_annual_text_t annual_en = {
    .nav = "Annual report",
    .title = "Annual report on the supervision of GI mark use",
    .year = "Year",
    .show = "Show",
    .closed = "Closed: this report is the one kept when the year was closed; it no longer changes",
    .open = "Not closed: figures follow the register; the year can be closed from 1 January "
            "on the command line:",
    .csv = "Download CSV",
    .pdf = "Download PDF",
    .save = "Save",
    .not_written = "(not written)",
    .edit_hint = "The office writes these sections; they can be edited until the year is closed, "
                 "and every edit is audited.",
    .closed_hint = "The year is closed: its texts can no longer be edited.",
    .scope = "Region scope (GB/T 2260 prefix)",
    .sections = {"Enforcement", "Standards", "Testing", "Publicity", "Training"},
};

const web_annual_text_t *web_annual_text(web_lang_t lang)
{
    return lang == WEB_LANG_EN ? &annual_en : &annual_zh;
}

static const web_households_text_t households_zh = {
    .title = "会员农户与生产基地",
    .admin_title = "会员农户与生产基地（按产品、地区）",
    .household = "会员农户",
    .base = "生产基地",
    .kind = "类别",
    .name = "名称或姓名",
    .contact = "联系电话",
    .county = "县（市、区）代码",
    .village = "乡镇、村",
    .base_type = "基地类型",
    .base_types = {"种植基地", "养殖基地", "加工基地"},
    .certification = "认证情况",
    .area = "面积（亩）",
    .yield = "核定亩产",
    .unit = "单位",
    .units = {"千克", "个"},
    .per_label = "每枚标志对应产品量",
    .quota = "本季标志配额（枚）",
    .add = "登记农户或基地",
    .add_button = "登记",
    .allocations = "标志分配",
    .allocations_of = "批次的标志分配",
    .first = "起始序号",
    .last = "结束序号",
    .holder = "分配给",
    .to_operator = "收回经营主体",
    .processor = "加工企业（统一社会信用代码）",
    .override = "超出配额的理由",
    .allocate = "分配",
    .move = "整段转移",
    .totals = "共 %D 枚：已分配 %D 枚，经营主体持有 %D 枚",
    .operator_name = "经营主体",
    .product = "产品",
    .filter = "筛选",
    .region_prefix = "地区代码前缀",
    .none = "暂无记录。",
};

static const web_households_text_t households_en = {
    .title = "Member households and production bases",
    .admin_title = "Member households and production bases (by product and region)",
    .household = "Member household",
    .base = "Production base",
    .kind = "Kind",
    .name = "Name",
    .contact = "Phone",
    .county = "County code",
    .village = "Town, village",
    .base_type = "Base type",
    .base_types = {"Planting base", "Breeding base", "Processing base"},
    .certification = "Certification",
    .area = "Area (mu)",
    .yield = "Assessed yield per mu",
    .unit = "Unit",
    .units = {"kg", "pieces"},
    .per_label = "Product per label",
    .quota = "Season quota (labels)",
    .add = "Record a household or base",
    .add_button = "Record",
    .allocations = "Allocations",
    .allocations_of = "Allocations of batch",
    .first = "First number",
    .last = "Last number",
    .holder = "To",
    .to_operator = "Back to the operator",
    .processor = "Processor (USCC)",
    .override = "Reason to go past the quota",
    .allocate = "Allocate",
    .move = "Move the whole range",
    .totals = "%D labels: %D allocated, %D with the operator",
    .operator_name = "Operator",
    .product = "Product",
    .filter = "Filter",
    .region_prefix = "Region code prefix",
    .none = "Nothing recorded yet.",
};

const web_households_text_t *web_households_text(web_lang_t lang)
{
    return lang == WEB_LANG_EN ? &households_en : &households_zh;
}

/* --- the product on the consumer page (web/portal_words.c) --- */

static const web_words_text_t words_zh = {
    .title = "消费者页面上的产品",
    .names = "越南文、泰文名称",
    .name_vi = "越南文名称",
    .name_th = "泰文名称",
    .names_hint = "供东盟市场的消费者查验时显示；未填写时显示英文名称。",
    .photo = "产品照片",
    .photo_file = "照片文件（PNG 格式）",
    .photo_hint = "不超过 4 MB、6000 × 6000 像素；保存时缩小到 480 像素以内并重新编码。",
    .upload = "上传照片",
    .no_photo = "尚未上传照片。",
    .no_file = "请选择一个照片文件。",
    .consumer_link = "消费者查验页面",
};

static const web_words_text_t words_en = {
    .title = "The product on the consumer page",
    .names = "Names in Vietnamese and Thai",
    .name_vi = "Vietnamese name",
    .name_th = "Thai name",
    .names_hint = "Shown to shoppers in the ASEAN markets; where none is recorded the English "
                  "name is shown.",
    .photo = "Product photo",
    .photo_file = "Photo file (PNG)",
    .photo_hint = "At most 4 MB and 6000 x 6000 pixels; stored scaled to 480 pixels at most and "
                  "re-encoded.",
    .upload = "Upload photo",
    .no_photo = "No photo uploaded yet.",
    .no_file = "Choose a photo file.",
    .consumer_link = "The consumer's verification page",
};

const web_words_text_t *web_words_text(web_lang_t lang)
{
    return web_lang_desk(lang) == WEB_LANG_EN ? &words_en : &words_zh;
}

static const web_rules_text_t rules_zh = {
    .title = "标签须载明的编号",
    .numbers = "公告号、注册号和标准",
    .none_recorded = "未登记",
    .edit_numbers = "登记编号",
    .decision = "无编号印制决定",
    .no_decision = "未作决定：本产品没有任何编号，其标签不能导出。",
    .decided_by = "决定人",
    .reason = "理由",
    .needs_none = "本产品已有编号，标签载明该编号，无需此决定。",
    .allow = "决定允许无编号印制",
    .allow_hint = "仅在本产品确无公告号、注册号和标准时使用；理由写入审计日志。",
    .withdraw = "撤回决定",
    .withdraw_hint = "撤回后，本产品在登记编号前不能导出标签。",
    .blocked = "没有编号也没有决定：标签导出被拒绝。",
};

static const web_rules_text_t rules_en = {
    .title = "What the product's labels must name",
    .numbers = "Announcement, registration number and standard",
    .none_recorded = "not recorded",
    .edit_numbers = "Record a number",
    .decision = "Decision to print without a number",
    .no_decision = "No decision: the product has no number at all, so its labels cannot be "
                   "exported.",
    .decided_by = "Decided by",
    .reason = "Reason",
    .needs_none = "The product has a number, which its labels carry: no decision is needed.",
    .allow = "Decide to print without a number",
    .allow_hint = "Only where the product truly has no announcement or registration number and "
                  "no standard; the reason goes into the audit log.",
    .withdraw = "Withdraw the decision",
    .withdraw_hint = "Once withdrawn, the product's labels are refused until a number is "
                     "recorded.",
    .blocked = "No number and no decision: exports of its labels are refused.",
};

const web_rules_text_t *web_rules_text(web_lang_t lang)
{
    return web_lang_desk(lang) == WEB_LANG_EN ? &rules_en : &rules_zh;
}

const char *web_role_name(web_lang_t lang, const char *role)
{
    static const char *const roles[][3] = {{"regulator", "监管人员", "regulator"},
                                           {"auditor", "审计人员", "auditor"},
                                           {"operator", "经营者", "operator"}};
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (strcmp(role, roles[i][0]) == 0)
            return roles[i][web_lang_desk(lang) == WEB_LANG_ZH ? 1 : 2];
    return role;
}

static const web_gs1_text_t gs1_zh = {
    .bad_link_title = "不是有效的 GS1 数字链接",
    .bad_link_text = "这个网址不符合 GS1 数字链接的写法：应为 /01/{GTIN}/21/{编码}，"
                     "可在中间加 /10/{批号}。请扫描标志上的二维码。",
    .unknown_gtin_title = "不是本系统登记的产品",
    .unknown_gtin_text = "这个 GTIN 不属于本系统登记的地理标志产品。它可能属于另一家企业，"
                         "请向该企业的解析服务查询。",
    .lot_title = "批号不符",
    .lot_text = "链接中的批号与这枚标志所属批次的批号不一致。标志可能是仿冒的，请谨慎购买。",
    .no_label_title = "没有这枚标志",
    .no_label_text = "这个 GTIN 下没有这个编码的标志。",
    .cert_title = "地理标志认证信息",
    .reg_number = "地理标志登记（公告）号",
    .regime = "保护方式",
    .standard = "标准",
    .region = "产地",
    .authorised = "获准使用专用标志的经营者",
    .approval_doc = "核准文件",
    .valid_until = "有效期至",
    .none = "暂无获准使用的经营者。",
    .link_pip = "产品信息页（中文）",
    .link_verify = "标志查验结果（JSON）",
    .link_cert = "地理标志认证信息",
    .link_trace = "EPCIS 追溯事件",
    .link_default = "查验页面",
    .link_product = "产品与认证信息",
};

static const web_gs1_text_t gs1_en = {
    .bad_link_title = "Not a valid GS1 Digital Link",
    .bad_link_text = "This address is not written as a GS1 Digital Link: /01/{GTIN}/21/{code}, "
                     "optionally with /10/{lot} in between. Please scan the QR code on the label.",
    .unknown_gtin_title = "Not one of the products registered here",
    .unknown_gtin_text = "This GTIN is not one of the geographical-indication products "
                         "registered here. It may belong to another company: ask its resolver.",
    .lot_title = "Lot does not match",
    .lot_text = "The lot in this link is not the lot of the batch this label was issued in. "
                "The label may be a copy: be careful.",
    .no_label_title = "No such label",
    .no_label_text = "There is no label with this code under this GTIN.",
    .cert_title = "Geographical indication certification",
    .reg_number = "GI registration (announcement) number",
    .regime = "Protection",
    .standard = "Standard",
    .region = "Origin",
    .authorised = "Operators authorised to use the GI mark",
    .approval_doc = "Approval document",
    .valid_until = "Valid until",
    .none = "No operator is authorised at present.",
    .link_pip = "Product information (English)",
    .link_verify = "Label verification (JSON)",
    .link_cert = "GI certification",
    .link_trace = "EPCIS traceability events",
    .link_default = "Verification page",
    .link_product = "Product and certification",
};

const web_gs1_text_t *web_gs1_text(web_lang_t lang)
{
    return web_lang_desk(lang) == WEB_LANG_EN ? &gs1_en : &gs1_zh;
}

static const web_desk_text_t desk_zh = {
    .record_title = "登记经营主体",
    .record_button = "登记",
    .uscc_hint = "18 位，按 GB 32100 核对校验码，例如 93451003MA815908XM",
    .region = "所在地区",
    .region_pick = "6 位行政区划代码（GB/T 2260），可从列表中选择",
    .kinds = {"农民专业合作社", "企业", "个体工商户", "协会", "其他"},
    .operator_title = "经营主体",
    .grant_title = "授予专用标志使用权",
    .grant_button = "授予（待审批）",
    .no_products = "您辖区内没有保护范围覆盖该经营主体所在地的产品。",
    .valid_from = "有效期起",
    .quota_hint = "每年可申请的标志枚数",
    .auths_title = "使用授权",
    .accounts_title = "登录账号",
    .username = "用户名",
    .username_hint = "2 至 64 位小写字母、数字、点、下划线或连字符",
    .create_account = "创建账号",
    .disable = "停用",
    .enable = "启用",
    .disabled = "已停用",
    .enabled = "在用",
    .password_title = "账号已创建：初始密码只显示这一次",
    .password_text = "请现在抄下并当面或通过电话交给经营主体。系统不保存明文密码，"
                     "离开本页后无法再次查看；遗失时请停用此账号并重新创建。",
    .password_for = "账号 %s 的初始密码：",
    .back = "返回",
    .fix_below = "未保存。请修改下面标出的项目，已填写的内容都保留着。",
    .confirm_title = "请确认",
    .confirm_button = "确认，执行",
    .cancel = "取消，返回",
    .confirm_revoke =
        "撤销使用授权 #%D：%s，%s（%s）。撤销后不可恢复，该经营主体不能再以此授权申请标志。",
    .confirm_void = "作废批次 %D 的全部 %D 枚标志（%s，批号 %s）。作废后不可恢复，"
                    "消费者扫码将看到此标志已作废。",
    .confirm_activate =
        "激活批次 %D 的 %D 枚标志（%s，批号 %s）。激活后消费者扫码即可查到正品信息，"
        "不能撤回；印错的标志只能逐枚作废。",
    .requested_title = "批次申请已提交",
    .requested_next = "批次 %D（%s，%D 枚，批号 %s）已提交。下一步：监管部门审核通过并签发后，"
                      "您可在下方“我的标签批次”中下载印制文件，贴标后激活。",
    .quota_left = "配额剩余",
    .open_operator = "查看、授权、账号",
    .new_operator = "登记新的经营主体",
    .charts_title = "图表",
    .chart_progress = "使用专用标志的经营主体：距目标的进度",
    .chart_progress_line = "近 12 个月进度（占目标的百分比，点上为累计主体数）",
    .chart_progress_basis =
        "曲线按各主体首批标志签发的月份累计；上方数字为当前在有效授权下已签发标志的主体数。",
    .chart_by_city = "按市：使用标志的经营主体（占目标的百分比）",
    .chart_by_product = "按产品：使用标志的经营主体（占目标的百分比）",
    .chart_scans = "近 14 天每日扫码次数",
    .chart_labels = "近 12 个月每月签发标志枚数",
};

static const web_desk_text_t desk_en = {
    .record_title = "Record an operator",
    .record_button = "Record",
    .uscc_hint = "18 characters, check character per GB 32100, e.g. 93451003MA815908XM",
    .region = "Region",
    .region_pick = "6-digit GB/T 2260 code, or pick one from the list",
    .kinds = {"Farmers' cooperative", "Company", "Individual business", "Association", "Other"},
    .operator_title = "Operator",
    .grant_title = "Grant the right to use the GI mark",
    .grant_button = "Grant (pending approval)",
    .no_products = "No product in your region has a protected area covering this operator's seat.",
    .valid_from = "Valid from",
    .quota_hint = "labels it may request a year",
    .auths_title = "Authorisations",
    .accounts_title = "Accounts",
    .username = "Username",
    .username_hint = "2 to 64 of lower-case letters, digits, dot, underscore or hyphen",
    .create_account = "Create account",
    .disable = "Disable",
    .enable = "Enable",
    .disabled = "disabled",
    .enabled = "active",
    .password_title = "Account created: its password is shown this once",
    .password_text = "Write it down now and hand it to the operator in person or by phone. "
                     "It is not stored in clear and cannot be shown again; if it is lost, "
                     "disable this account and create another.",
    .password_for = "Password of the account %s:",
    .back = "Back",
    .fix_below = "Nothing was saved. Please correct the marked field; what you typed is kept.",
    .confirm_title = "Please confirm",
    .confirm_button = "Confirm",
    .cancel = "Cancel and go back",
    .confirm_revoke = "Revoke authorisation #%D: %s, %s (%s). This cannot be undone; the "
                      "operator can no longer request labels under it.",
    .confirm_void = "Void batch %D: all its %D labels (%s, lot %s). This cannot be undone; "
                    "a shopper who scans one is told the label is void.",
    .confirm_activate = "Activate batch %D: its %D labels (%s, lot %s). Once active, a shopper's "
                        "scan shows them genuine; this cannot be taken back, misprints can only "
                        "be voided one by one.",
    .requested_title = "Batch requested",
    .requested_next = "Batch %D (%s, %D labels, lot %s) has been requested. Next: once the "
                      "regulator approves and issues it, download its print file under "
                      "\"My label batches\" below, label the goods, then activate it.",
    .quota_left = "quota left",
    .open_operator = "View, grant, accounts",
    .new_operator = "Record a new operator",
    .charts_title = "Charts",
    .chart_progress = "Operators using the GI mark: progress to the target",
    .chart_progress_line = "The last 12 months (percent of the target; operators at each point)",
    .chart_progress_basis = "The line counts each operator from the month its first batch was "
                            "issued; the figure above counts those using the mark now, under a "
                            "valid authorisation.",
    .chart_by_city = "By city: operators using the mark (percent of the target)",
    .chart_by_product = "By product: operators using the mark (percent of the target)",
    .chart_scans = "Scans a day, the last 14 days",
    .chart_labels = "Labels issued a month, the last 12 months",
};

const web_desk_text_t *web_desk_text(web_lang_t lang)
{
    return web_lang_desk(lang) == WEB_LANG_EN ? &desk_en : &desk_zh;
}

const char *web_word(web_lang_t lang, const char *field, const char *value)
{
    static const struct {
        const char *field, *value, *zh, *en;
    } words[] = {
        {"auth", "pending", "待审核", "pending"},
        {"auth", "approved", "有效", "approved"},
        {"auth", "suspended", "已暂停", "suspended"},
        {"auth", "revoked", "已撤销", "revoked"},
        {"auth", "expired", "已过期", "expired"},
        {"batch", "requested", "待审批", "requested"},
        {"batch", "approved", "已批准", "approved"},
        {"batch", "rejected", "已驳回", "rejected"},
        {"batch", "issued", "已发放", "issued"},
        {"batch", "activated", "已启用", "activated"},
        {"batch", "voided", "已作废", "voided"},
        {"kind", "cooperative", "农民专业合作社", "cooperative"},
        {"kind", "company", "企业", "company"},
        {"kind", "individual", "个体工商户", "individual"},
        {"kind", "association", "协会", "association"},
        {"kind", "other", "其他", "other"},
        {"report", "new", "新举报", "new"},
        {"report", "triaged", "已分办", "triaged"},
        {"report", "closed", "已办结", "closed"},
        {"format", "pdf", "PDF 文档（整版印刷）", "PDF (print sheets)"},
        {"format", "png", "PNG 图片（整版）", "PNG (sheets)"},
        {"format", "svg", "SVG 矢量图（整版）", "SVG (sheets)"},
        {"format", "zip", "ZIP 压缩包（每枚标签一个图片）", "ZIP (one image a label)"},
        {"format", "csv", "CSV 表格（编码和网址）", "CSV (codes and URLs)"},
        {"symbology", "qr", "二维码", "QR code"},
        {"symbology", "datamatrix", "数据矩阵码", "Data Matrix"},
        {"symbology", "hanxin", "汉信码", "Han Xin code"},
        {"symbology", "code128", "一维条码（128 码）", "Code 128 barcode"},
        {"size", "60x30", "60 × 30 毫米", "60 x 30 mm"},
        {"size", "50x30", "50 × 30 毫米", "50 x 30 mm"},
        {"size", "70x35", "70 × 35 毫米", "70 x 35 mm"},
        {"size", "100x50", "100 × 50 毫米", "100 x 50 mm"},
        {"size", "40x40", "40 × 40 毫米", "40 x 40 mm"},
        {"unit", "kg", "千克", "kg"},
        {"unit", "t", "吨", "t"},
        {"unit", "piece", "件", "piece"},
        {"unit", "box", "箱", "box"},
        {"unit", "bottle", "瓶", "bottle"},
        {"unit", "L", "升", "L"},
        {"verdict", "GENUINE", "正品", "genuine"},
        {"verdict", "GENUINE_REPEATED", "查询次数异常", "checked unusually often"},
        {"verdict", "NOT_ACTIVATED", "未启用", "not activated"},
        {"verdict", "VOID", "已作废", "cancelled"},
        {"verdict", "AUTH_SUSPENDED", "资格已暂停", "right suspended"},
        {"verdict", "AUTH_REVOKED", "资格已撤销", "right revoked"},
        {"verdict", "AUTH_EXPIRED", "资格已过期", "right expired"},
        {"verdict", "UNKNOWN", "查无此码", "no such code"},
        {"verdict", "MALFORMED", "编码有误", "not a valid code"},
        {"check", "mark_uscc", "专用标志与统一社会信用代码同时标注", "Mark printed with the USCC"},
        {"check", "scope_use", "在核准范围内使用", "Use within the approved scope"},
        {"check", "raw_material", "原材料来源", "Raw material origin"},
        {"check", "standard", "符合产品标准", "Meets the product standard"},
        {"check", "label_records", "标志出入库台账", "Label records"},
        {"check", "transfer", "无转让、伪造、冒用", "Mark not transferred or counterfeited"},
        {"field", "region_scope", "管辖范围", "region scope"},
        {"field", "class_points", "各等级起始分值", "class points"},
        {"field", "derived_class", "按事实评定等级", "derived class"},
        {"field", "min_points", "起始分值", "minimum points"},
        {"grade_rule", "report_founded", "经查属实的消费者举报（近一年）",
         "consumer reports on its labels found true (past year)"},
        {"grade_rule", "void_scanned", "已作废标志被消费者扫码（近一年，按枚计）",
         "its voided labels scanned by consumers (past year, per label)"},
        {"grade_rule", "not_activated_scanned", "标志在启用前被扫码（近一年，按枚计）",
         "its labels scanned before activation (past year, per label)"},
        {"grade_rule", "over_scanned", "标志被超过重复阈值的设备扫码（近一年）",
         "its labels scanned by more clients than the repeat threshold (past year)"},
        {"grade_rule", "suspended", "使用资格被暂停（近三年）",
         "suspensions of its authorisations (past three years)"},
        {"grade_rule", "idle_two_years", "使用资格两年未发放标志",
         "authorisations without a batch issued for two years"},
        {"grade_rule", "inspection_rectify", "检查结果为责令整改（近三年）",
         "inspections ending in an order to rectify (past three years)"},
        {"grade_rule", "inspection_unreachable", "检查时无法取得联系（近三年）",
         "inspections that could not reach it (past three years)"},
        {"grade_rule", "inspection_refused", "拒绝检查（近三年）",
         "inspections it refused (past three years)"},
        {"grade_rule", "inspection_counterfeit", "检查发现转让或伪造标志（近三年）",
         "inspections finding the mark transferred or counterfeited (past three years)"},
        {"grade_rule", "usage_late", "次年3月31日前未报送使用情况（近一年，按使用资格计）",
         "use reports not filed by 31 March after their year (past year, per authorisation)"},
        {"grade_rule", "usage_returned", "使用报告被退回（近一年）",
         "use reports returned by the office (past year)"},
        {"grade_rule", "inspection_clean", "检查未发现问题（近一年）",
         "inspections finding no problem (past year)"},
        {"action", "account.add", "新建账户", "account added"},
        {"action", "account.passwd", "修改密码", "password changed"},
        {"action", "account.disable", "停用账户", "account disabled"},
        {"action", "account.enable", "启用账户", "account enabled"},
        {"action", "token.create", "创建访问令牌", "token created"},
        {"action", "token.revoke", "撤销访问令牌", "token revoked"},
        {"action", "token.revoke_all", "撤销全部访问令牌", "all tokens revoked"},
        {"action", "annual.close", "年度报告结账", "annual report closed"},
        {"action", "annual.text", "编写年度报告", "annual report text"},
        {"action", "auth.grant", "授予使用资格", "authorisation granted"},
        {"action", "auth.approve", "核准使用资格", "authorisation approved"},
        {"action", "auth.suspend", "暂停使用资格", "authorisation suspended"},
        {"action", "auth.reinstate", "恢复使用资格", "authorisation reinstated"},
        {"action", "auth.revoke", "撤销使用资格", "authorisation revoked"},
        {"action", "batch.request", "申请标志批次", "batch requested"},
        {"action", "batch.approve", "批准标志批次", "batch approved"},
        {"action", "batch.reject", "驳回标志批次", "batch rejected"},
        {"action", "batch.issue", "发放标志", "batch issued"},
        {"action", "batch.activate", "启用标志", "batch activated"},
        {"action", "batch.void", "作废整批标志", "batch voided"},
        {"action", "batch.void_codes", "作废部分标志", "labels voided"},
        {"action", "batch.export", "下载印刷文件", "print file downloaded"},
        {"action", "batch.allocate", "分配标志", "labels allocated"},
        {"action", "batch.allocation.move", "转移分配", "allocation moved"},
        {"action", "batch.allocation.return", "收回分配", "allocation returned"},
        {"action", "grade.import", "导入信用等级", "credit class imported"},
        {"action", "report.finding", "记录核查结果", "finding recorded"},
        {"action", "report.triage", "处理举报", "report triaged"},
        {"action", "household.add", "登记农户", "household added"},
        {"action", "base.add", "登记基地", "base added"},
        {"action", "supervision.draw", "双随机抽取", "inspection draw"},
        {"action", "inspection_item.add", "新增检查事项", "inspection item added"},
        {"action", "inspector.add", "登记检查人员", "inspector added"},
        {"action", "inspector.conflict", "申报利益冲突", "conflict declared"},
        {"action", "inspection.add", "记录检查", "inspection recorded"},
        {"action", "inspection.evidence", "上传检查证据", "evidence added"},
        {"action", "inspection.publish", "公示检查结果", "inspections published"},
        {"action", "operator.add", "登记经营者", "operator recorded"},
        {"action", "operator.edit", "修改经营者", "operator edited"},
        {"action", "product.add", "登记产品", "product added"},
        {"action", "product.edit", "修改产品", "product edited"},
        {"action", "product.names", "修改产品外文名称", "product names set"},
        {"action", "product.photo", "上传产品照片", "product photo set"},
        {"action", "product.unnumbered.allow", "决定无编号产品可印制",
         "printing without a number allowed"},
        {"action", "product.unnumbered.withdraw", "撤回无编号印制决定",
         "printing without a number withdrawn"},
        {"action", "usage.file", "报送使用情况", "use report filed"},
        {"action", "usage.accept", "接受使用报告", "use report accepted"},
        {"action", "usage.return", "退回使用报告", "use report returned"},
        {"entity", "account", "账户", "account"},
        {"entity", "api_token", "访问令牌", "token"},
        {"entity", "annual_report", "年度报告", "annual report"},
        {"entity", "authorisation", "使用资格", "authorisation"},
        {"entity", "batch", "批次", "batch"},
        {"entity", "operator", "经营者", "operator"},
        {"entity", "product", "产品", "product"},
        {"entity", "report", "举报", "report"},
        {"entity", "usage_report", "使用报告", "use report"},
        {"entity", "inspection_item", "检查事项", "inspection item"},
        {"entity", "inspector", "检查人员", "inspector"},
        {"entity", "inspection_draw", "抽查", "draw"},
        {"entity", "inspection", "检查", "inspection"},
        {"entity", "producer", "农户或基地", "household or base"},
        {"actor", "web:consumer", "消费者查验页", "consumer pages"},
        {"actor", "web:api", "接口", "API"},
        {"actor", "web:pages", "办公页面", "desk pages"},
        {"actor", "cli:unknown", "命令行", "command line"},
        {"result", "no_problem", "未发现问题", "no problem"},
        {"result", "rectify", "责令限期整改", "rectify by a date"},
        {"result", "unreachable", "无法取得联系", "cannot be contacted"},
        {"result", "refused", "拒绝检查", "refused"},
        {"result", "other", "其他", "other"},
        {"mark", "pass", "合格", "pass"},
        {"mark", "fail", "不合格", "fail"},
        {"mark", "na", "不适用", "not applicable"},
        {"regime", "cnipa-product", "地理标志保护产品", "GI product (CNIPA)"},
        {"regime", "collective-mark", "集体商标", "collective mark"},
        {"regime", "certification-mark", "证明商标", "certification mark"},
        {"regime", "agri-product", "农产品地理标志", "agricultural GI"},
        {"producer", "household", "农户", "household"},
        {"producer", "base", "基地", "base"},
        {"base_type", "planting", "种植", "planting"},
        {"base_type", "breeding", "养殖", "breeding"},
        {"base_type", "processing", "加工", "processing"},
        {"field", "after", "修改后", "after"},
        {"field", "before", "修改前", "before"},
        {"field", "approval_doc", "核准文件", "approval doc"},
        {"field", "area_cmu", "面积（百分之一亩）", "area cmu"},
        {"field", "area_mu", "面积（亩）", "area mu"},
        {"field", "base_type", "基地类型", "base type"},
        {"field", "body", "检查机构", "body"},
        {"field", "cert_no", "执法证号", "cert no"},
        {"field", "certification", "认证", "certification"},
        {"field", "checklist_key", "检查项目", "checklist key"},
        {"field", "checks", "检查结果", "checks"},
        {"field", "contact", "联系方式", "contact"},
        {"field", "created_at", "创建时间", "created at"},
        {"field", "date", "日期", "date"},
        {"field", "draw_id", "抽查编号", "draw id"},
        {"field", "field", "领域", "field"},
        {"field", "from", "原状态", "from"},
        {"field", "gtin", "商品条码", "gtin"},
        {"field", "id", "编号", "id"},
        {"field", "kind", "类型", "kind"},
        {"field", "legal_basis", "法律依据", "legal basis"},
        {"field", "name", "名称", "name"},
        {"field", "name_en", "英文名称", "name en"},
        {"field", "name_zh", "中文名称", "name zh"},
        {"field", "name_vi", "越南文名称", "name vi"},
        {"field", "name_th", "泰文名称", "name th"},
        {"field", "note", "备注", "note"},
        {"field", "office", "实施机关", "office"},
        {"field", "operator", "经营者", "operator"},
        {"field", "operator_id", "经营者编号", "operator id"},
        {"field", "per_label", "每枚标志对应数量", "per label"},
        {"field", "plan", "抽查方案", "plan"},
        {"field", "population_sha256", "抽查名单摘要", "population sha256"},
        {"field", "product", "产品", "product"},
        {"field", "product_id", "产品编号", "product id"},
        {"field", "published_at", "公示时间", "published at"},
        {"field", "reason", "理由", "reason"},
        {"field", "rectify_by", "整改期限", "rectify by"},
        {"field", "reg_number", "登记号", "reg number"},
        {"field", "regime", "保护类型", "regime"},
        {"field", "region", "地区", "region"},
        {"field", "region_code", "行政区划代码", "region code"},
        {"field", "result", "结果", "result"},
        {"field", "season_quota", "本季标志上限", "season quota"},
        {"field", "seed", "随机种子", "seed"},
        {"field", "standard", "标准", "standard"},
        {"field", "status", "状态", "status"},
        {"field", "targets", "抽中对象", "targets"},
        {"field", "to", "新状态", "to"},
        {"field", "uscc", "统一社会信用代码", "uscc"},
        {"field", "uscc_override", "信用代码例外理由", "uscc override"},
        {"field", "valid_from", "有效期自", "valid from"},
        {"field", "valid_until", "有效期至", "valid until"},
        {"field", "village", "村", "village"},
        {"field", "yearly_quota", "年度配额", "yearly quota"},
        {"field", "yield_per_mu", "亩产", "yield per mu"},
        {"field", "yield_unit", "产量单位", "yield unit"},
        {"field", "auth_id", "使用资格编号", "auth id"},
        {"field", "count", "数量", "count"},
        {"field", "lot_number", "批号", "lot number"},
        {"field", "harvest_date", "采收日期", "harvest date"},
        {"field", "production_base", "生产基地", "production base"},
        {"field", "inspection_cert", "检验证书", "inspection cert"},
        {"field", "as_of", "截至", "as of"},
        {"field", "at", "时间", "at"},
        {"field", "basis", "依据", "basis"},
        {"field", "batch", "批次", "batch"},
        {"field", "batch_id", "批次编号", "batch id"},
        {"field", "by", "按", "by"},
        {"field", "bytes_received", "收到字节数", "bytes received"},
        {"field", "bytes_stored", "存储字节数", "bytes stored"},
        {"field", "classes", "等级", "classes"},
        {"field", "codes", "编码", "codes"},
        {"field", "decision", "决定", "decision"},
        {"field", "eligible", "符合条件", "eligible"},
        {"field", "evidence", "证据", "evidence"},
        {"field", "finding", "核查结果", "finding"},
        {"field", "format", "格式", "format"},
        {"field", "inspectors", "检查人员", "inspectors"},
        {"field", "items", "事项", "items"},
        {"field", "key", "键", "key"},
        {"field", "label", "标志", "label"},
        {"field", "labels", "标志", "labels"},
        {"field", "numerator", "分子", "numerator"},
        {"field", "outcome", "结果", "outcome"},
        {"field", "products", "产品", "products"},
        {"field", "quota_year", "配额年度", "quota year"},
        {"field", "returned", "退回", "returned"},
        {"field", "revoked", "已撤销", "revoked"},
        {"field", "role", "角色", "role"},
        {"field", "rule", "规则", "rule"},
        {"field", "scope", "管辖范围", "scope"},
        {"field", "section", "栏目", "section"},
        {"field", "source", "来源", "source"},
        {"field", "title", "标题", "title"},
        {"field", "token", "令牌", "token"},
        {"field", "tokens_revoked", "撤销的令牌", "tokens revoked"},
        {"field", "type", "类型", "type"},
        {"field", "username", "用户名", "username"},
        {"field", "verdict", "查询结果", "verdict"},
        {"field", "voided", "已作废", "voided"},
        {"field", "what", "内容", "what"},
        {"field", "year", "年度", "year"},
        {"field", "first", "起始编号", "first"},
        {"field", "last", "截止编号", "last"},
        {"field", "holder", "接收方", "holder"},
        {"field", "producer_id", "农户或基地编号", "producer id"},
        {"field", "processor", "加工企业", "processor"},
        {"field", "override", "例外理由", "override"},
        {"field", "move_id", "分配编号", "move id"},
        {"field", "ratios", "抽查比例", "ratios"},
        {"field", "exclude_inspected", "排除已检查", "exclude inspected"},
        {"field", "inspectors_per_target", "每个对象的检查人员数", "inspectors per target"},
        {"field", "class", "等级", "class"},
        {"field", "points", "分值", "points"},
        {"field", "window_days", "统计天数", "window days"},
        {"field", "period", "报告期", "period"},
        {"field", "produced", "产量", "produced"},
        {"field", "sold", "销量", "sold"},
        {"field", "unit", "单位", "unit"},
        {"field", "value_fen", "产值（分）", "value fen"},
        {"field", "version", "版本", "version"},
        {"field", "symbology", "码制", "symbology"},
        {"field", "size", "尺寸", "size"},
        {"field", "layout", "版式", "layout"},
        {"field", "dpi", "分辨率", "dpi"},
        {"field", "photo", "照片", "photo"},
        {"field", "sha256", "摘要", "sha256"},
        {"field", "width", "宽", "width"},
        {"field", "height", "高", "height"},
        {"field", "text", "内容", "text"},
        {"field", "year_closed", "已结账年度", "year closed"},
        {"field", "unnumbered", "无编号印制", "without a number"},
        {"field", "labels_received", "收到标志数", "labels received"},
        {"field", "labels_used", "使用标志数", "labels used"},
        {"field", "labels_voided", "作废标志数", "labels voided"},
        {"field", "sales_value_fen", "销售额（分）", "sales value (fen)"},
        {"field", "volume_produced", "产量", "volume produced"},
        {"field", "volume_sold", "销量", "volume sold"},
        {"field", "volume_unit", "计量单位", "unit of volume"},
        {"decision", "accepted", "已接受", "accepted"},
        {"decision", "returned", "已退回", "returned"},
        {"section", "enforcement", "执法保护", "enforcement"},
        {"section", "standards", "标准制定", "standards"},
        {"section", "testing", "检验检测", "testing"},
        {"section", "publicity", "宣传推广", "publicity"},
        {"section", "training", "培训", "training"},
        {"field", "approval_no", "印核准文号", "approval number printed"},
    };
    if (!value)
        return "";
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(field, words[i].field) == 0 && strcmp(value, words[i].value) == 0)
            return web_lang_desk(lang) == WEB_LANG_ZH ? words[i].zh : words[i].en;
    return value;
}

void web_local_time(web_lang_t lang, int64_t when, char out[64])
{
    web_local_moment(web_strings(lang), when, out);
}

/* --- the rules' refusals, by their code (gi_rule_t) ------------------------- */

static const char *const rule_zh[GI_RULE_COUNT] = {
    [GI_RULE_ACCOUNT_DISABLED] = "该账户已停用。",
    [GI_RULE_ROLE_UNKNOWN] = "该账户的角色无法识别。",
    [GI_RULE_ROLE_NOT_ALLOWED] = "您的账户角色无权进行此操作。",
    [GI_RULE_LIVE_CODES_NEED_REASON] =
        "已启用批次的标志是在用编码：监管人员下载时须填写理由，审计日志会记录。",
    [GI_RULE_LIVE_CODES_OWN_ONLY] = "已启用批次的在用编码只提供给该经营者本单位的账户。",
    [GI_RULE_AUTHORISATION_SUSPENDED] = "使用资格已暂停，暂停期间不能申请或处理标志批次。",
    [GI_RULE_AUTHORISATION_REVOKED] = "使用资格已撤销，不能再申请或处理标志批次。",
    [GI_RULE_AUTHORISATION_EXPIRED] = "使用资格已过有效期，请申请新的核准。",
    [GI_RULE_AUTHORISATION_PENDING] = "使用资格尚待审核，核准后才能申请标志。",
    [GI_RULE_AUTHORISATION_NOT_YET_VALID] = "使用资格尚未到生效日期。",
    [GI_RULE_AUTHORISATION_STATUS] = "使用资格当前的状态不允许此操作。",
    [GI_RULE_AUTHORISATION_EXISTS] = "该经营者已持有此产品未撤销的使用资格。",
    [GI_RULE_QUOTA_EXCEEDED] = "超出年度配额：本年度剩余的标志数量不足。",
    [GI_RULE_QUOTA_RANGE] = "年度配额须为 1 至 1 亿枚之间的整数。",
    [GI_RULE_BATCH_COUNT_RANGE] = "每批标志数量超出允许范围。",
    [GI_RULE_BATCH_STATUS] = "该批次当前的状态不允许此操作。",
    [GI_RULE_REJECT_NEEDS_REASON] = "驳回须填写理由。",
    [GI_RULE_SAME_ACCOUNT_APPROVES] = "申请人不能审批自己的申请，须由另一个账户审批。",
    [GI_RULE_CODE_INVALID] = "这不是有效的标志编码。",
    [GI_RULE_CODE_NOT_IN_BATCH] = "该编码不属于此批次。",
    [GI_RULE_CODE_VOIDED_ALREADY] = "该编码已经作废。",
    [GI_RULE_NO_CODES] = "没有填写要作废的编码。",
    [GI_RULE_REGIME_UNKNOWN] = "保护类型无法识别。",
    [GI_RULE_GTIN_INVALID] = "商品条码（GTIN）无效：请核对位数和校验位。",
    [GI_RULE_GTIN_TAKEN] = "该商品条码（GTIN）已被其他产品使用。",
    [GI_RULE_GTIN_CHANGE_NEEDS_REASON] = "更改商品条码须填写理由：已发放的标志保留原条码。",
    [GI_RULE_OPERATOR_KIND_UNKNOWN] = "经营者类型无法识别。",
    [GI_RULE_USCC_INVALID] = "统一社会信用代码无效：请核对 18 位代码。",
    [GI_RULE_USCC_OVERRIDABLE] = "统一社会信用代码校验未通过；监管人员可填写理由后仍予登记。",
    [GI_RULE_USCC_TAKEN] = "该统一社会信用代码已登记过经营者。",
    [GI_RULE_VALIDITY_ORDER] = "有效期截止日早于起始日。",
    [GI_RULE_OUTSIDE_PROTECTED_AREA] = "所在地不在该产品的地理标志保护范围内。",
    [GI_RULE_OPERATOR_NOT_ACTIVE] = "该经营者当前不是正常状态。",
    [GI_RULE_PRODUCT_NOT_ACTIVE] = "该产品当前不是正常状态。",
    [GI_RULE_APPROVAL_DOC_REQUIRED] = "核准须填写核准文件编号。",
    [GI_RULE_TEXT_REQUIRED] = "此项为必填项。",
    [GI_RULE_TEXT_TOO_LONG] = "填写的内容过长。",
    [GI_RULE_TEXT_NOT_UTF8] = "填写的内容含有无法识别的字符。",
    [GI_RULE_TEXT_CONTROL_CHAR] = "填写的内容含有控制字符。",
    [GI_RULE_TEXT_BIDI_CONTROL] = "填写的内容含有不可见的文字方向控制符，请直接输入文字。",
    [GI_RULE_DATE_INVALID] = "日期格式应为 年-月-日（如 2026-11-26）。",
    [GI_RULE_REGION_CODE_INVALID] = "行政区划代码应为 6 位 GB/T 2260 代码。",
    [GI_RULE_REGION_OUT_OF_SCOPE] = "该地区不在您账户的管辖范围内。",
    [GI_RULE_PASSWORD_TOO_SHORT] = "密码太短。",
    [GI_RULE_PASSWORD_TOO_LONG] = "密码太长。",
    [GI_RULE_USERNAME_INVALID] = "用户名须为 2 至 64 个字符，只能使用小写字母、数字和 . _ -。",
    [GI_RULE_USERNAME_TAKEN] = "该用户名已被使用。",
    [GI_RULE_ROLE_INVALID] = "账户角色无效。",
    [GI_RULE_ACCOUNT_OPERATOR_MISMATCH] = "经营者账户须对应一个经营者，其他账户不能对应经营者。",
    [GI_RULE_REGION_SCOPE_INVALID] = "管辖范围须为 GB/T 2260 代码前缀。",
    [GI_RULE_WRONG_LOGIN] = "用户名或密码错误。",
    [GI_RULE_TOKEN_INVALID] = "访问令牌无效。",
    [GI_RULE_SESSION_INVALID] = "登录已失效，请重新登录。",
    [GI_RULE_REPORT_STATUS_INVALID] = "举报状态无效。",
    [GI_RULE_PHOTO_NOT_PNG] = "照片须为 PNG 文件。",
    [GI_RULE_PHOTO_TOO_LARGE] = "照片尺寸或文件过大。",
    [GI_RULE_PHOTO_UNREADABLE] = "无法读取该照片文件。",
    [GI_RULE_LAYOUT_CHOICE_INVALID] = "打印选项无效。",
    [GI_RULE_PERIOD_INVALID] = "报告期应为年度（2025）、半年（2025-H1）或季度（2025-Q1）。",
    [GI_RULE_PERIOD_NOT_TAKEN] = "本局不按这种报告期收取报告。",
    [GI_RULE_PERIOD_NOT_CLOSED] = "报告期尚未结束。",
    [GI_RULE_NUMBER_RANGE] = "数值须为允许范围内的整数。",
    [GI_RULE_VOLUME_UNIT_INVALID] = "计量单位无效。",
    [GI_RULE_NO_AUTHORISATION] = "该经营者在此期间未持有此产品的使用资格。",
    [GI_RULE_USAGE_NOT_NEWEST] = "这不是最新版本的使用报告，请对最新版本作出决定。",
    [GI_RULE_USAGE_DECIDED_ALREADY] = "该使用报告已处理过。",
    [GI_RULE_YEAR_INVALID] = "年份无效。",
    [GI_RULE_YEAR_NOT_BEGUN] = "该年度尚未开始。",
    [GI_RULE_YEAR_NOT_ENDED] = "该年度尚未结束，结束后才能结账。",
    [GI_RULE_YEAR_CLOSED] = "该年度已结账，报告不再更改。",
    [GI_RULE_ANNUAL_SECTION_INVALID] = "年度报告的栏目无效。",
    [GI_RULE_PRODUCER_KIND_INVALID] = "类型须为农户或基地。",
    [GI_RULE_BASE_TYPE_INVALID] = "基地类型须为种植、养殖或加工；农户没有基地类型。",
    [GI_RULE_AREA_INVALID] = "面积须为 0.01 至 1000000 亩，最多两位小数。",
    [GI_RULE_YIELD_INVALID] = "亩产须为允许范围内的整数。",
    [GI_RULE_YIELD_UNIT_INVALID] = "产量单位须为千克或件。",
    [GI_RULE_PER_LABEL_INVALID] = "每枚标志对应的数量无效。",
    [GI_RULE_PRODUCER_PRODUCT_MISMATCH] = "该农户或基地生产的不是此批次的产品。",
    [GI_RULE_PRODUCER_QUOTA_EXCEEDED] = "超出该农户或基地按产量可得的标志数量。",
    [GI_RULE_PROCESSOR_NOT_AUTHORISED] = "该加工企业未持有此产品的使用资格。",
    [GI_RULE_HOLDER_MISSING] = "请指定一个接收方：农户或基地、加工企业或经营者本身。",
    [GI_RULE_BATCH_NOT_ISSUED] = "只有已发放或已启用批次的标志才能分配。",
    [GI_RULE_RANGE_INVALID] = "编号范围超出该批次。",
    [GI_RULE_RANGE_OVERLAP] = "编号范围与已有的分配重叠。",
    [GI_RULE_ALLOCATION_SAME_HOLDER] = "该分配已在此接收方处。",
    [GI_RULE_GRADE_CLASSES_INVALID] = "信用等级设置无效。",
    [GI_RULE_GRADE_CLASS_UNKNOWN] = "信用等级不在已设置的等级中。",
    [GI_RULE_OUTCOME_INVALID] = "核查结果须为属实或不属实。",
    [GI_RULE_DRAW_RATIOS_INVALID] = "抽查比例无效：每个等级须为 1% 至 100%。",
    [GI_RULE_DRAW_PLAN_INVALID] = "抽查计划的设置无效。",
    [GI_RULE_TOO_FEW_INSPECTORS] = "无利益冲突的检查人员不足，请增加登记检查人员。",
    [GI_RULE_PROVINCE_ONLY] = "此登记簿由省级部门维护。",
    [GI_RULE_INSPECTION_INVALID] = "检查记录填写有误。",
    [GI_RULE_INSPECTOR_CONFLICT] = "该检查人员已申报与此经营者存在利益冲突。",
    [GI_RULE_NOT_DRAWN] = "该经营者不在此次抽查名单中。",
};

static const char *const rule_en[GI_RULE_COUNT] = {
    [GI_RULE_ACCOUNT_DISABLED] = "This account is disabled.",
    [GI_RULE_ROLE_UNKNOWN] = "This account has no known role.",
    [GI_RULE_ROLE_NOT_ALLOWED] = "Your account's role may not do this.",
    [GI_RULE_LIVE_CODES_NEED_REASON] =
        "The labels of an activated batch are live codes: a regulator downloads them only with a "
        "reason, which the audit log keeps.",
    [GI_RULE_LIVE_CODES_OWN_ONLY] =
        "The live codes of an activated batch go only to the operator's own accounts.",
    [GI_RULE_AUTHORISATION_SUSPENDED] =
        "The authorisation is suspended: no batch can be requested or handled under it.",
    [GI_RULE_AUTHORISATION_REVOKED] =
        "The authorisation is revoked: no batch can be requested or handled under it.",
    [GI_RULE_AUTHORISATION_EXPIRED] = "The authorisation has expired: grant a new one.",
    [GI_RULE_AUTHORISATION_PENDING] =
        "The authorisation is still pending: labels can be requested once it is approved.",
    [GI_RULE_AUTHORISATION_NOT_YET_VALID] = "The authorisation is not valid yet.",
    [GI_RULE_AUTHORISATION_STATUS] = "The authorisation's status does not allow this.",
    [GI_RULE_AUTHORISATION_EXISTS] =
        "The operator already holds an authorisation for this product that is not revoked.",
    [GI_RULE_QUOTA_EXCEEDED] = "Over quota: not enough labels are left in this year's quota.",
    [GI_RULE_QUOTA_RANGE] =
        "The yearly quota must be a whole number of labels within the allowed range.",
    [GI_RULE_BATCH_COUNT_RANGE] = "The number of labels is outside what one batch may hold.",
    [GI_RULE_BATCH_STATUS] = "The batch's status does not allow this.",
    [GI_RULE_REJECT_NEEDS_REASON] = "Rejecting needs a reason.",
    [GI_RULE_SAME_ACCOUNT_APPROVES] =
        "The account that requested the batch may not approve it: another account must.",
    [GI_RULE_CODE_INVALID] = "That is not a valid serial code.",
    [GI_RULE_CODE_NOT_IN_BATCH] = "That code is not in this batch.",
    [GI_RULE_CODE_VOIDED_ALREADY] = "That code is voided already.",
    [GI_RULE_NO_CODES] = "No codes to void were given.",
    [GI_RULE_REGIME_UNKNOWN] = "The protection regime is not one we know.",
    [GI_RULE_GTIN_INVALID] = "The GTIN is not valid: check its digits and check digit.",
    [GI_RULE_GTIN_TAKEN] = "That GTIN is already used by another product.",
    [GI_RULE_GTIN_CHANGE_NEEDS_REASON] = "Changing the GTIN needs a reason: labels already issued "
                                         "keep the GTIN they were printed with.",
    [GI_RULE_OPERATOR_KIND_UNKNOWN] = "The operator kind is not one we know.",
    [GI_RULE_USCC_INVALID] =
        "The unified social credit code is not valid: check its 18 characters.",
    [GI_RULE_USCC_OVERRIDABLE] = "The unified social credit code did not pass its check; a "
                                 "regulator may record it anyway with a reason.",
    [GI_RULE_USCC_TAKEN] = "An operator with that unified social credit code is already recorded.",
    [GI_RULE_VALIDITY_ORDER] = "The end of validity is before its start.",
    [GI_RULE_OUTSIDE_PROTECTED_AREA] = "The place lies outside the product's protected area.",
    [GI_RULE_OPERATOR_NOT_ACTIVE] = "The operator is not active.",
    [GI_RULE_PRODUCT_NOT_ACTIVE] = "The product is not active.",
    [GI_RULE_APPROVAL_DOC_REQUIRED] = "Approving needs the approval document number.",
    [GI_RULE_TEXT_REQUIRED] = "This field is required.",
    [GI_RULE_TEXT_TOO_LONG] = "The text is too long.",
    [GI_RULE_TEXT_NOT_UTF8] = "The text contains characters that cannot be read (not UTF-8).",
    [GI_RULE_TEXT_CONTROL_CHAR] = "The text contains a control character.",
    [GI_RULE_TEXT_BIDI_CONTROL] =
        "The text contains an invisible text-direction control: type the text without it.",
    [GI_RULE_DATE_INVALID] = "The date must be written YYYY-MM-DD.",
    [GI_RULE_REGION_CODE_INVALID] = "The region must be a 6-digit GB/T 2260 code.",
    [GI_RULE_REGION_OUT_OF_SCOPE] = "That region is outside your account's scope.",
    [GI_RULE_PASSWORD_TOO_SHORT] = "The password is too short.",
    [GI_RULE_PASSWORD_TOO_LONG] = "The password is too long.",
    [GI_RULE_USERNAME_INVALID] = "A username is 2 to 64 of a-z 0-9 . _ -.",
    [GI_RULE_USERNAME_TAKEN] = "That username is taken.",
    [GI_RULE_ROLE_INVALID] = "The account role is not valid.",
    [GI_RULE_ACCOUNT_OPERATOR_MISMATCH] =
        "An operator account names its operator, and only it does.",
    [GI_RULE_REGION_SCOPE_INVALID] = "The region scope must be a GB/T 2260 prefix.",
    [GI_RULE_WRONG_LOGIN] = "Wrong username or password.",
    [GI_RULE_TOKEN_INVALID] = "The token is not valid.",
    [GI_RULE_SESSION_INVALID] = "The session has ended: sign in again.",
    [GI_RULE_REPORT_STATUS_INVALID] = "The report status is not valid.",
    [GI_RULE_PHOTO_NOT_PNG] = "The photo must be a PNG file.",
    [GI_RULE_PHOTO_TOO_LARGE] = "The photo is too large.",
    [GI_RULE_PHOTO_UNREADABLE] = "The photo is not a readable PNG file.",
    [GI_RULE_LAYOUT_CHOICE_INVALID] = "A print choice is not valid.",
    [GI_RULE_PERIOD_INVALID] =
        "The period must be a year (2025), a half-year (2025-H1) or a quarter (2025-Q1).",
    [GI_RULE_PERIOD_NOT_TAKEN] = "This office does not take reports for that kind of period.",
    [GI_RULE_PERIOD_NOT_CLOSED] = "The period has not closed yet.",
    [GI_RULE_NUMBER_RANGE] = "The number must be a whole number within the allowed range.",
    [GI_RULE_VOLUME_UNIT_INVALID] = "The unit is not valid.",
    [GI_RULE_NO_AUTHORISATION] =
        "The operator held no authorisation for this product in that time.",
    [GI_RULE_USAGE_NOT_NEWEST] =
        "This is not the newest version of the use report: decide on the newest.",
    [GI_RULE_USAGE_DECIDED_ALREADY] = "The use report was decided already.",
    [GI_RULE_YEAR_INVALID] = "The year is not valid.",
    [GI_RULE_YEAR_NOT_BEGUN] = "That year has not begun.",
    [GI_RULE_YEAR_NOT_ENDED] = "That year has not ended: it closes after its last day.",
    [GI_RULE_YEAR_CLOSED] = "That year is closed: its report no longer changes.",
    [GI_RULE_ANNUAL_SECTION_INVALID] = "The annual report section is not valid.",
    [GI_RULE_PRODUCER_KIND_INVALID] = "The kind must be household or base.",
    [GI_RULE_BASE_TYPE_INVALID] =
        "A base type is planting, breeding or processing; a household has none.",
    [GI_RULE_AREA_INVALID] = "The area must be 0.01 to 1000000 mu, with at most 2 decimals.",
    [GI_RULE_YIELD_INVALID] = "The yield per mu must be a whole number within the allowed range.",
    [GI_RULE_YIELD_UNIT_INVALID] = "The yield unit must be kg or piece.",
    [GI_RULE_PER_LABEL_INVALID] = "The amount one label stands for is not valid.",
    [GI_RULE_PRODUCER_PRODUCT_MISMATCH] =
        "That household or base grows another product than the batch's.",
    [GI_RULE_PRODUCER_QUOTA_EXCEEDED] =
        "Over the labels that household or base may hold for its yield.",
    [GI_RULE_PROCESSOR_NOT_AUTHORISED] = "That processor holds no authorisation for this product.",
    [GI_RULE_HOLDER_MISSING] =
        "Name one holder: a household or base, a processor, or the operator itself.",
    [GI_RULE_BATCH_NOT_ISSUED] =
        "Only the labels of an issued or activated batch can be allocated.",
    [GI_RULE_RANGE_INVALID] = "The range lies outside the batch.",
    [GI_RULE_RANGE_OVERLAP] = "The range overlaps an allocation already made.",
    [GI_RULE_ALLOCATION_SAME_HOLDER] = "The allocation is with that holder already.",
    [GI_RULE_GRADE_CLASSES_INVALID] = "The credit classes setting is not valid.",
    [GI_RULE_GRADE_CLASS_UNKNOWN] = "The class is not one of the classes set.",
    [GI_RULE_OUTCOME_INVALID] = "The outcome must be founded or unfounded.",
    [GI_RULE_DRAW_RATIOS_INVALID] =
        "The draw ratios are not valid: each class needs 1 to 100 percent.",
    [GI_RULE_DRAW_PLAN_INVALID] = "The draw plan is not valid.",
    [GI_RULE_TOO_FEW_INSPECTORS] =
        "Too few inspectors without a declared conflict: register more inspectors.",
    [GI_RULE_PROVINCE_ONLY] = "This register is kept by the province.",
    [GI_RULE_INSPECTION_INVALID] = "The inspection record is not valid.",
    [GI_RULE_INSPECTOR_CONFLICT] = "That inspector declared a conflict with this operator.",
    [GI_RULE_NOT_DRAWN] = "That operator was not drawn in this draw.",
};

/* The rules a shopper can meet on the consumer pages (the report form's
 * text, contact and code: gi_report_add's checks), in Vietnamese and Thai.
 * The desks are zh-CN or English only; a rule not listed here is said on a
 * vi or th page by its class (class_text). */
static const char *const rule_vi[GI_RULE_COUNT] = {
    [GI_RULE_TEXT_REQUIRED] = "Vui lòng điền mục này.",
    [GI_RULE_TEXT_TOO_LONG] = "Nội dung quá dài.",
    [GI_RULE_TEXT_NOT_UTF8] = "Nội dung có ký tự không đọc được.",
    [GI_RULE_TEXT_CONTROL_CHAR] = "Nội dung có ký tự điều khiển.",
    [GI_RULE_TEXT_BIDI_CONTROL] = "Nội dung có ký tự ẩn điều khiển hướng chữ: vui lòng gõ lại "
                                  "mà không có ký tự đó.",
};

static const char *const rule_th[GI_RULE_COUNT] = {
    [GI_RULE_TEXT_REQUIRED] = "โปรดกรอกช่องนี้",
    [GI_RULE_TEXT_TOO_LONG] = "ข้อความยาวเกินไป",
    [GI_RULE_TEXT_NOT_UTF8] = "ข้อความมีอักขระที่อ่านไม่ได้",
    [GI_RULE_TEXT_CONTROL_CHAR] = "ข้อความมีอักขระควบคุม",
    [GI_RULE_TEXT_BIDI_CONTROL] = "ข้อความมีอักขระควบคุมทิศทางที่มองไม่เห็น โปรดพิมพ์ข้อความใหม่โดยไม่มีอักขระนั้น",
};

/* A failure no rule names, by its class (gi_err_t); the last row is a
 * failure of the system. */
enum { CLASS_INVALID, CLASS_NOT_FOUND, CLASS_EXISTS, CLASS_REFUSED, CLASS_FORBIDDEN, CLASS_SYSTEM };

static const char *const class_texts[WEB_LANG_COUNT][CLASS_SYSTEM + 1] = {
    [WEB_LANG_ZH] = {"填写的内容有误。", "找不到该记录。", "该记录已经存在。",
                     "按规定不能进行此操作。", "您的账户无权进行此操作。",
                     "系统暂时无法处理，请稍后再试。"},
    [WEB_LANG_EN] = {"The input is not valid.", "No such record.", "That record exists already.",
                     "The rules do not allow this.", "Your account may not do this.",
                     "The service cannot do this now; try again later."},
    [WEB_LANG_VI] = {"Nội dung nhập không hợp lệ.", "Không tìm thấy hồ sơ.", "Hồ sơ này đã có.",
                     "Quy định không cho phép việc này.",
                     "Tài khoản của bạn không được làm việc này.",
                     "Dịch vụ tạm thời chưa xử lý được; vui lòng thử lại sau."},
    [WEB_LANG_TH] = {"ข้อมูลที่กรอกไม่ถูกต้อง", "ไม่พบรายการนี้", "รายการนี้มีอยู่แล้ว", "ระเบียบไม่อนุญาตให้ทำเช่นนี้",
                     "บัญชีของคุณไม่มีสิทธิ์ทำเช่นนี้", "บริการยังดำเนินการไม่ได้ในขณะนี้ โปรดลองใหม่ภายหลัง"},
};

static const char *class_text(web_lang_t lang, gi_err_t rc)
{
    const char *const *t = class_texts[(unsigned)lang < WEB_LANG_COUNT ? lang : WEB_LANG_ZH];
    switch (rc) {
    case GI_EINVAL:
        return t[CLASS_INVALID];
    case GI_ENOTFOUND:
        return t[CLASS_NOT_FOUND];
    case GI_EEXISTS:
        return t[CLASS_EXISTS];
    case GI_EREFUSED:
        return t[CLASS_REFUSED];
    case GI_EFORBIDDEN:
        return t[CLASS_FORBIDDEN];
    case GI_OK:
    case GI_EIO:
    case GI_ENOMEM:
        break;
    }
    return t[CLASS_SYSTEM];
}

const char *web_rule_text(web_lang_t lang, gi_rule_t rule)
{
    if (rule == GI_RULE_NONE || (unsigned)rule >= GI_RULE_COUNT)
        return NULL;
    switch (lang) {
    case WEB_LANG_ZH:
        return rule_zh[rule];
    case WEB_LANG_VI:
        return rule_vi[rule];
    case WEB_LANG_TH:
        return rule_th[rule];
    default:
        return rule_en[rule];
    }
}

const char *web_rule_message(web_lang_t lang, gi_err_t rc, const gi_error_t *err)
{
    /* English pages keep the rule's own sentence, which names the record
     * and the figures; the other languages say the rule in their words, or
     * else the failure's class: a vi or th page shows no English refusal */
    if (lang == WEB_LANG_EN && err && err->msg[0] && rc != GI_EIO && rc != GI_ENOMEM)
        return err->msg;
    const char *t = err ? web_rule_text(lang, err->rule) : NULL;
    return t ? t : class_text(lang, rc);
}

const char *web_bilingual(web_lang_t lang, const char *text, char *out, size_t cap)
{
    const char *split = NULL;
    if (text && (unsigned char)text[0] >= 0x80)
        for (const char *p = text; *p; p++)
            if (*p == ' ' && p[1] && (unsigned char)p[1] < 0x80 && p[1] != ' ') {
                split = p;
                break;
            }
    /* the English half holds no Chinese: a name from the data with a space
     * in it is not split */
    for (const char *p = split; p && *p; p++)
        if ((unsigned char)*p >= 0x80)
            split = NULL;
    if (!split)
        snprintf(out, cap, "%s", text ? text : "");
    else if (web_lang_desk(lang) == WEB_LANG_EN)
        snprintf(out, cap, "%s", split + 1);
    else
        snprintf(out, cap, "%.*s", (int)(split - text), text);
    return out;
}
