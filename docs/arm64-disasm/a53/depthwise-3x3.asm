; Assembly listing for method EdgeConv.Kernels.Optimized.DepthwiseConvInt8Vector128:Row3x3(System.Span`1[sbyte],System.Span`1[int],System.Span`1[sbyte]):this (FullOpts)
; Emitting BLENDED_CODE for generic ARM64 on Unix
; FullOpts code
; optimized code
; fp based frame
; fully interruptible
; No PGO data
; 0 inlinees with PGO data; 38 single block inlinees; 16 inlinees without PGO data

G_M000_IG01:
            stp     fp, lr, [sp, #0xD1FFAB1E]!
            stp     x19, x20, [sp, #0xD0]
            stp     x21, x22, [sp, #0xE0]
            stp     x23, x24, [sp, #0xF0]
            stp     x25, x26, [sp, #0xD1FFAB1E]
            stp     x27, x28, [sp, #0xD1FFAB1E]
            mov     fp, sp
            add     x9, fp, #72
            movi    v16.16b, #0
            stp     q16, q16, [x9]
            stp     q16, q16, [x9, #0x20]
            stp     q16, q16, [x9, #0x40]
            mov     x20, x0
            mov     x19, x3
            mov     w21, w4
 
G_M000_IG02:
            mov     x22, x1
            ldrsw   x23, [x19]
            ldrsw   x24, [x19, #0x04]
            ldrsw   x25, [x19, #0x08]
            ldrsw   x26, [x19, #0x0C]
            ldrsw   x27, [x19, #0x10]
            ldrsw   x28, [x19, #0x14]
            ldrsw   x2, [x19, #0x18]
            str     x2, [fp, #0xC8]
            ldrsw   x3, [x19, #0x1C]
            str     x3, [fp, #0xC0]
            ldrsw   x4, [x19, #0x20]
            str     x4, [fp, #0xB8]
            ldr     x1, [x20, #0x08]
            ldrsb   wzr, [x1]
            add     x6, x1, #16
            str     x6, [fp, #0x38]
            ldr     x1, [x20, #0x10]
            ldrsb   wzr, [x1]
            add     x7, x1, #16
            str     x7, [fp, #0x30]
            ldr     x1, [x20, #0x18]
            ldrsb   wzr, [x1]
            add     x8, x1, #16
            stp     x5, x8, [fp, #0x20]
            ldr     w9, [x20, #0x30]
            str     w9, [fp, #0xB4]
            ldr     w1, [x20, #0x5C]
            mul     w10, w1, w9
            str     w10, [fp, #0xB0]
            ldr     w11, [x20, #0x88]
            str     w11, [fp, #0xAC]
            ldr     x1, [x20, #0x20]
            add     x0, fp, #72
            movz    x13, #0xD1FFAB1E
            movk    x13, #0xD1FFAB1E LSL #16
            movk    x13, #85 LSL #32
            ldr     x13, [x13]
            blr     x13
            mov     w5, wzr
            ldr     w6, [fp, #0xAC]
            cmp     w5, w6
            bge     G_M000_IG13
 
G_M000_IG03:
            ldr     w7, [fp, #0xB0]
            mul     w2, w5, w7
            sxtw    x2, w2
            add     x8, x2, x22
            str     x8, [fp, #0x18]
            str     w5, [fp, #0x44]
            ldr     w9, [fp, #0xB4]
            mul     w2, w5, w9
            sxtw    x2, w2
            ldr     x10, [fp, #0x20]
            add     x11, x2, x10
            str     x11, [fp, #0x10]
            mov     w13, wzr
            ldr     x14, [fp, #0x30]
            mov     x2, x14
            sub     w3, w9, #16
            cmp     w13, w3
            bgt     G_M000_IG06
            align   [0 bytes for IG04]
            align   [0 bytes]
            align   [0 bytes]
            align   [0 bytes]
 
G_M000_IG04:
            sxtw    x0, w13
            lsl     x1, x0, #2
            ldr     x12, [fp, #0x28]
            add     x4, x12, x1
            ldp     q16, q17, [x4]
            ldp     q18, q19, [x4, #0x20]
            add     x4, x8, x0
            ldr     q20, [x4, x23]
            ldr     q21, [x4, x24]
            ldp     q22, q23, [x2]
            smull2  v24.8h, v20.16b, v22.16b
            smlal2  v24.8h, v21.16b, v23.16b
            smull   v20.8h, v20.8b, v22.8b
            smlal   v20.8h, v21.8b, v23.8b
            saddw2  v17.4s, v17.4s, v20.8h
            saddw   v16.4s, v16.4s, v20.4h
            saddw2  v19.4s, v19.4s, v24.8h
            saddw   v18.4s, v18.4s, v24.4h
            ldr     q20, [x4, x25]
            ldr     q21, [x4, x26]
            ldp     q22, q23, [x2, #0x20]
            smull2  v24.8h, v20.16b, v22.16b
            smlal2  v24.8h, v21.16b, v23.16b
            smull   v20.8h, v20.8b, v22.8b
            smlal   v20.8h, v21.8b, v23.8b
            saddw2  v17.4s, v17.4s, v20.8h
            saddw   v16.4s, v16.4s, v20.4h
            saddw2  v19.4s, v19.4s, v24.8h
            saddw   v18.4s, v18.4s, v24.4h
            ldr     q20, [x4, x27]
            ldr     q21, [x4, x28]
            ldp     q22, q23, [x2, #0x40]
            smull2  v24.8h, v20.16b, v22.16b
            smlal2  v24.8h, v21.16b, v23.16b
            smull   v20.8h, v20.8b, v22.8b
            smlal   v20.8h, v21.8b, v23.8b
            saddw2  v17.4s, v17.4s, v20.8h
            saddw   v16.4s, v16.4s, v20.4h
            saddw2  v19.4s, v19.4s, v24.8h
            saddw   v18.4s, v18.4s, v24.4h
            ldr     x15, [fp, #0xC8]
            ldr     q20, [x4, x15]
            ldr     xip0, [fp, #0xC0]
            ldr     q21, [x4, xip0]
            ldp     q22, q23, [x2, #0x60]
            smull2  v24.8h, v20.16b, v22.16b
            smlal2  v24.8h, v21.16b, v23.16b
            smull   v20.8h, v20.8b, v22.8b
            smlal   v20.8h, v21.8b, v23.8b
            saddw2  v17.4s, v17.4s, v20.8h
            saddw   v16.4s, v16.4s, v20.4h
            saddw2  v19.4s, v19.4s, v24.8h
            saddw   v18.4s, v18.4s, v24.4h
            ldr     x7, [fp, #0xB8]
            ldr     q20, [x4, x7]
            ldr     q21, [x2, #0x80]
            smull2  v22.8h, v20.16b, v21.16b
            smull   v20.8h, v20.8b, v21.8b
            saddw2  v17.4s, v17.4s, v20.8h
            saddw   v16.4s, v16.4s, v20.4h
            saddw2  v19.4s, v19.4s, v22.8h
            saddw   v18.4s, v18.4s, v22.4h
            ldr     x4, [fp, #0x48]
            add     x4, x4, x1
            ldr     x10, [fp, #0x50]
            add     x10, x10, x1
            ldr     x14, [fp, #0x60]
            add     x1, x14, x1
            ldr     q20, [fp, #0x78]
            ldr     q21, [x4]
            ldr     q22, [x10]
            ldr     q23, [x1]
            mul     v16.4s, v16.4s, v22.4s
            sqrdmulh v16.4s, v16.4s, v21.4s
            and     v21.4s, v16.4s, v23.4s
            sshr    v21.4s, v21.4s, #31
            sqadd   v16.4s, v16.4s, v21.4s
            srshl   v16.4s, v16.4s, v23.4s
            add     v16.4s, v16.4s, v20.4s
            ldr     q21, [x4, #0x10]
            ldr     q22, [x10, #0x10]
            ldr     q23, [x1, #0x10]
            mul     v17.4s, v17.4s, v22.4s
            sqrdmulh v17.4s, v17.4s, v21.4s
            and     v21.4s, v17.4s, v23.4s
            sshr    v21.4s, v21.4s, #31
            sqadd   v17.4s, v17.4s, v21.4s
            srshl   v17.4s, v17.4s, v23.4s
            add     v17.4s, v17.4s, v20.4s
            sqxtn   v16.4h, v16.4s
            sqxtn2  v16.8h, v17.4s
            ldr     q17, [x4, #0x20]
            ldr     q21, [x10, #0x20]
            ldr     q22, [x1, #0x20]
            mul     v18.4s, v18.4s, v21.4s
            sqrdmulh v17.4s, v18.4s, v17.4s
            and     v18.4s, v17.4s, v22.4s
            sshr    v18.4s, v18.4s, #31
            sqadd   v17.4s, v17.4s, v18.4s
            srshl   v17.4s, v17.4s, v22.4s
            add     v17.4s, v17.4s, v20.4s
            ldr     q18, [x4, #0x30]
            ldr     q21, [x10, #0x30]
            ldr     q22, [x1, #0x30]
            mul     v19.4s, v19.4s, v21.4s
            sqrdmulh v18.4s, v19.4s, v18.4s
            and     v19.4s, v18.4s, v22.4s
            sshr    v19.4s, v19.4s, #31
            sqadd   v18.4s, v18.4s, v19.4s
            srshl   v18.4s, v18.4s, v22.4s
            add     v18.4s, v18.4s, v20.4s
            sqxtn   v17.4h, v17.4s
            sqxtn2  v17.8h, v18.4s
            sqxtn   v16.8b, v16.8h
            sqxtn2  v16.16b, v17.8h
            ldr     q17, [fp, #0x88]
            smax    v16.16b, v16.16b, v17.16b
            ldr     q17, [fp, #0x98]
            smin    v16.16b, v16.16b, v17.16b
            str     q16, [x11, x0]
            add     x2, x2, #144
            add     w13, w13, #16
            cmp     w13, w3
            bgt     G_M000_IG07
 
G_M000_IG05:
            b       G_M000_IG04
 
G_M000_IG06:
            ldr     x7, [fp, #0xB8]
            ldr     x12, [fp, #0x28]
            ldp     xip0, x15, [fp, #0xC0]
 
G_M000_IG07:
            sub     w0, w9, #8
            cmp     w13, w0
            bgt     G_M000_IG09
 
G_M000_IG08:
            sxtw    x0, w13
            lsl     x1, x0, #2
            ldr     q16, [x12, x1]
            add     x3, x1, #16
            ldr     q17, [x12, x3]
            add     x3, x8, x0
            ldr     d18, [x3, x23]
            ldp     d19, d20, [x2]
            smull   v18.8h, v18.8b, v19.8b
            ldr     d19, [x3, x24]
            smlal   v18.8h, v19.8b, v20.8b
            mov     v19.16b, v18.16b
            saddw   v16.4s, v16.4s, v19.4h
            saddw2  v17.4s, v17.4s, v18.8h
            ldr     d18, [x3, x25]
            ldp     d19, d20, [x2, #0x10]
            smull   v18.8h, v18.8b, v19.8b
            ldr     d19, [x3, x26]
            smlal   v18.8h, v19.8b, v20.8b
            mov     v19.16b, v18.16b
            saddw   v16.4s, v16.4s, v19.4h
            saddw2  v17.4s, v17.4s, v18.8h
            ldr     d18, [x3, x27]
            ldp     d19, d20, [x2, #0x20]
            smull   v18.8h, v18.8b, v19.8b
            ldr     d19, [x3, x28]
            smlal   v18.8h, v19.8b, v20.8b
            mov     v19.16b, v18.16b
            saddw   v16.4s, v16.4s, v19.4h
            saddw2  v17.4s, v17.4s, v18.8h
            ldr     d18, [x3, x15]
            ldp     d19, d20, [x2, #0x30]
            smull   v18.8h, v18.8b, v19.8b
            ldr     d19, [x3, xip0]
            smlal   v18.8h, v19.8b, v20.8b
            mov     v19.16b, v18.16b
            saddw   v16.4s, v16.4s, v19.4h
            saddw2  v17.4s, v17.4s, v18.8h
            ldr     d18, [x3, x7]
            ldr     d19, [x2, #0x40]
            smull   v18.8h, v18.8b, v19.8b
            mov     v19.16b, v18.16b
            saddw   v16.4s, v16.4s, v19.4h
            saddw2  v17.4s, v17.4s, v18.8h
            ldr     x2, [fp, #0x48]
            add     x2, x2, x1
            ldr     x3, [fp, #0x50]
            add     x3, x3, x1
            ldr     x4, [fp, #0x60]
            add     x1, x4, x1
            ldr     q18, [fp, #0x78]
            ldr     q19, [x2]
            ldr     q20, [x3]
            ldr     q21, [x1]
            mul     v16.4s, v16.4s, v20.4s
            sqrdmulh v16.4s, v16.4s, v19.4s
            and     v19.4s, v16.4s, v21.4s
            sshr    v19.4s, v19.4s, #31
            sqadd   v16.4s, v16.4s, v19.4s
            srshl   v16.4s, v16.4s, v21.4s
            add     v16.4s, v16.4s, v18.4s
            ldr     q19, [x2, #0x10]
            ldr     q20, [x3, #0x10]
            ldr     q21, [x1, #0x10]
            mul     v17.4s, v17.4s, v20.4s
            sqrdmulh v17.4s, v17.4s, v19.4s
            and     v19.4s, v17.4s, v21.4s
            sshr    v19.4s, v19.4s, #31
            sqadd   v17.4s, v17.4s, v19.4s
            srshl   v17.4s, v17.4s, v21.4s
            add     v17.4s, v17.4s, v18.4s
            sqxtn   v16.4h, v16.4s
            sqxtn2  v16.8h, v17.4s
            sqxtn   v17.8b, v16.8h
            sqxtn2  v17.16b, v16.8h
            ldr     q16, [fp, #0x88]
            smax    v16.16b, v17.16b, v16.16b
            ldr     q17, [fp, #0x98]
            smin    v16.16b, v16.16b, v17.16b
            umov    x2, v16.d[0]
            str     x2, [x11, x0]
            add     w13, w13, #8
            ldr     x7, [fp, #0xB8]
            ldr     x11, [fp, #0x10]
            ldr     x12, [fp, #0x28]
            ldp     xip0, x15, [fp, #0xC0]
 
G_M000_IG09:
            cmp     w13, w9
            blt     G_M000_IG11
 
G_M000_IG10:
            ldr     w9, [fp, #0xB4]
            b       G_M000_IG12
 
G_M000_IG11:
            mov     x2, x19
            mov     w3, w21
            mov     x0, x20
            mov     x1, x8
            str     w13, [fp, #0x40]
            mov     w4, w13
            movz    x10, #0xD1FFAB1E
            movk    x10, #0xD1FFAB1E LSL #16
            movk    x10, #85 LSL #32
            ldr     x10, [x10]
            blr     x10
            ldr     x11, [fp, #0x10]
            ldr     w13, [fp, #0x40]
            strb    w0, [x11, w13, SXTW #2]
            add     w13, w13, #1
            ldr     w9, [fp, #0xB4]
            cmp     w13, w9
            ldr     x8, [fp, #0x18]
            blt     G_M000_IG11
 
G_M000_IG12:
            ldr     w5, [fp, #0x44]
            add     w5, w5, #1
            ldr     w6, [fp, #0xAC]
            cmp     w5, w6
            blt     G_M000_IG03
 
G_M000_IG13:
            ldp     x27, x28, [sp, #0xD1FFAB1E]
            ldp     x25, x26, [sp, #0xD1FFAB1E]
            ldp     x23, x24, [sp, #0xF0]
            ldp     x21, x22, [sp, #0xE0]
            ldp     x19, x20, [sp, #0xD0]
            ldp     fp, lr, [sp], #0xD1FFAB1E
            ret     lr
 
; Total bytes of code 1312
